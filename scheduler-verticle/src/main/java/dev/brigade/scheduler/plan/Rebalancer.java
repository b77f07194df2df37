package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Plan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Full re-plans, done without a gap in service: the fresh allocation's pipelines that only
 * need standby nodes are brought up at once; the old pipelines whose nodes the rest need are
 * drained; those remaining pipelines are formed once the drained ones have been dissolved.
 * O(n log n) (a whole allocation), so the scheduler runs it rarely (e.g. hourly), not per event.
 */
public final class Rebalancer {
  private Rebalancer() {}

  /**
   * @param bringUp FORM transitions already applied to the fleet (pipelines loading now)
   * @param drain DRAIN transitions already applied (old pipelines take no new sequences)
   * @param afterDrain pipelines to install with {@link #formDrained} once the drained ones are
   *     dissolved
   */
  public record Rebalance(List<Transition> bringUp, List<Transition> drain, List<PipelineSpec> afterDrain) {}

  /** Predicted tokens/s of the routable pipelines (the allocator's measure). */
  public static double score(Fleet fleet) {
    List<PipelineSpec> live = new ArrayList<>();
    for (PipelineSpec p : fleet.pipelines.values()) if (p.state() == PipelineState.READY || p.state() == PipelineState.LOADING) live.add(p);
    return Allocator.score(live, fleet.config.maxTokenSeconds());
  }

  /**
   * Starts a re-plan if a fresh allocation of every node predicts at least {@code minGain}
   * (e.g. 0.1 = 10%) more tokens/s than the current pipelines; empty otherwise.
   */
  public static Optional<Rebalance> rebalance(Fleet fleet, double minGain) {
    List<NodeSpec> all = new ArrayList<>(fleet.nodes.values());
    all.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
    Plan fresh = Allocator.allocate(fleet.shape, all, fleet.config, Allocator.KRule.BEST, 0);
    double now = score(fleet);
    double then = Allocator.score(fresh.pipelines(), fleet.config.maxTokenSeconds());
    if (then < now * (1 + minGain) || then == 0) return Optional.empty();

    List<Transition> bringUp = new ArrayList<>();
    List<Transition> drain = new ArrayList<>();
    List<PipelineSpec> afterDrain = new ArrayList<>();
    Set<String> toDrain = new LinkedHashSet<>();
    for (PipelineSpec planned : fresh.pipelines()) {
      PipelineSpec p = new PipelineSpec(fleet.newPipelineId(), planned.stages(), PipelineState.LOADING,
          planned.hopSeconds(), planned.tokenCapacity());
      Set<String> owners = new LinkedHashSet<>();
      for (String id : p.nodeIds()) {
        String owner = fleet.pipelineOf.get(id);
        if (owner != null) owners.add(owner);
      }
      if (owners.isEmpty()) {
        fleet.install(p);
        bringUp.add(new Transition(Transition.Kind.FORM, p, p.nodeIds(), List.of()));
      } else {
        toDrain.addAll(owners);
        afterDrain.add(p);
      }
    }
    for (String id : toDrain) drain.add(fleet.drain(id));
    return Optional.of(new Rebalance(bringUp, drain, afterDrain));
  }

  /**
   * Installs a deferred pipeline of a rebalance if all its nodes are on standby now (their old
   * pipelines dissolved) and still in the fleet; empty if it must wait or can no longer form.
   */
  public static Optional<Transition> formDrained(Fleet fleet, PipelineSpec p) {
    for (String id : p.nodeIds()) {
      if (fleet.nodes.get(id) == null || fleet.pipelineOf.get(id) != null) return Optional.empty();
    }
    fleet.install(p);
    return Optional.of(new Transition(Transition.Kind.FORM, p, p.nodeIds(), List.of()));
  }
}
