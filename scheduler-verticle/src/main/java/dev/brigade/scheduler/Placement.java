package dev.brigade.scheduler;

import dev.brigade.protocol.control.NodeRecord;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Stage;
import dev.brigade.scheduler.plan.Allocator;
import dev.brigade.scheduler.plan.AllocatorConfig;
import dev.brigade.scheduler.plan.Fleet;
import dev.brigade.scheduler.plan.FleetRestore;
import dev.brigade.scheduler.plan.Rebalancer;
import dev.brigade.scheduler.plan.Repairer;
import dev.brigade.scheduler.plan.Transition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The scheduler's use of the planning code. Nodes that join before the first plan are laid out
 * together by the {@link Allocator}; after that every join and leave goes through the {@link
 * Repairer} (fill a lost stage from standby, re-split survivors, or wait broken; joins repair
 * first, then form new pipelines). The planning state is a {@link Fleet}; this class only
 * queues events and hands back the {@link Transition}s to carry out.
 */
final class Placement {
  private final ModelShape shape;
  private final AllocatorConfig config;
  private final List<NodeSpec> joined = new ArrayList<>();
  private final Set<String> unfit = new HashSet<>();
  private Fleet fleet;
  /** Pipelines of a re-plan that wait for the drained ones to dissolve. */
  private final List<PipelineSpec> afterDrain = new ArrayList<>();

  Placement(ModelShape shape, AllocatorConfig config) {
    this.shape = shape;
    this.config = config;
  }

  /** Queues a join; it takes effect at the next {@link #plan()}. */
  void join(NodeRecord n) {
    unfit.remove(n.nodeId());
    joined.removeIf(s -> s.nodeId().equals(n.nodeId()));
    joined.add(spec(n));
  }

  /** Applies the queued joins: one allocation the first time, then a repair-or-form per node. */
  List<Transition> plan() {
    List<Transition> out = new ArrayList<>();
    if (joined.isEmpty()) {
      return out;
    }
    if (fleet == null) {
      fleet = Fleet.allocate(shape, config, List.copyOf(joined), Allocator.KRule.BEST, out);
    } else {
      for (NodeSpec n : joined) {
        if (fleet.node(n.nodeId()) == null) {
          out.addAll(Repairer.join(fleet, n));
        }
      }
    }
    joined.clear();
    return out;
  }

  /** A node left (or failed to load): repair what it served. */
  List<Transition> leave(String nodeId) {
    joined.removeIf(s -> s.nodeId().equals(nodeId));
    if (fleet == null || fleet.node(nodeId) == null) {
      return List.of();
    }
    return Repairer.leave(fleet, nodeId);
  }

  /** A pipeline waited broken too long: dissolve it and put its survivors to use (see {@link Repairer#giveUp}). */
  List<Transition> giveUp(String pipelineId) {
    return fleet == null ? List.of() : Repairer.giveUp(fleet, pipelineId);
  }

  /** Every stage of the pipeline confirmed its slice. */
  void ready(String pipelineId) {
    if (fleet != null) {
      fleet.markReady(pipelineId);
    }
  }

  /**
   * A full re-plan when a fresh allocation predicts at least {@code minGain} more tokens/s:
   * pipelines that need only spare nodes form at once, old pipelines whose nodes the rest need
   * start draining. Nothing while an earlier re-plan is still draining.
   */
  List<Transition> rebalance(double minGain) {
    if (fleet == null || !afterDrain.isEmpty()) {
      return List.of();
    }
    return Rebalancer.rebalance(fleet, minGain).map(r -> {
      afterDrain.addAll(r.afterDrain());
      List<Transition> out = new ArrayList<>(r.bringUp());
      out.addAll(r.drain());
      return out;
    }).orElse(List.of());
  }

  /** A draining pipeline ran dry: dissolve it and form the re-plan's pipelines it was blocking. */
  List<Transition> drained(String pipelineId) {
    List<Transition> out = new ArrayList<>();
    if (fleet == null || fleet.pipeline(pipelineId) == null) {
      return out;
    }
    out.add(fleet.dissolve(pipelineId));
    for (PipelineSpec p : List.copyOf(afterDrain)) {
      Rebalancer.formDrained(fleet, p).ifPresent(t -> {
        afterDrain.remove(p);
        out.add(t);
      });
    }
    if (fleet.pipelines().stream().noneMatch(p -> p.state() == PipelineState.DRAINING)) {
      // What could not form as planned (a node left meanwhile) forms from the spare pool now.
      afterDrain.clear();
      out.addAll(fleet.formFromStandby(""));
    }
    return out;
  }

  /** Drops a node that could not load its slice until it registers again. */
  List<Transition> markUnfit(String nodeId) {
    unfit.add(nodeId);
    return leave(nodeId);
  }

  boolean isUnfit(String nodeId) {
    return unfit.contains(nodeId);
  }

  /**
   * Takes over a previous scheduler's state from the maps. Returns the repairs that spare nodes
   * can make at once for pipelines that lost a stage while no scheduler watched.
   */
  List<Transition> restore(List<NodeRecord> liveNodes, List<PipelineRecord> pipelines) {
    if (pipelines.isEmpty()) {
      // Nothing was planned yet (workers may have registered while this scheduler was still
      // taking over): the live nodes wait for the first allocation at the next plan().
      fleet = null;
      liveNodes.forEach(this::join);
      return List.of();
    }
    List<PipelineSpec> specs = pipelines.stream().map(Placement::spec).toList();
    fleet = FleetRestore.restore(shape, config, liveNodes.stream().map(Placement::spec).toList(), specs);
    List<Transition> out = new ArrayList<>();
    if (!fleet.brokenPipelines().isEmpty()) {
      // The Repairer repairs on joins: let each spare node join again.
      for (NodeRecord n : liveNodes) {
        if (fleet.pipelineOf(n.nodeId()) == null && !fleet.brokenPipelines().isEmpty()) {
          fleet.removeNode(n.nodeId());
          out.addAll(Repairer.join(fleet, spec(n)));
        }
      }
    }
    // Spare nodes that together make a complete pipeline form one now, not at the next join.
    out.addAll(fleet.formFromStandby(""));
    return out;
  }

  static NodeSpec spec(NodeRecord n) {
    return NodeSpec.of(n.nodeId(), n.memoryBytes(), n.layerSeconds());
  }

  static PipelineSpec spec(PipelineRecord p) {
    List<Stage> stages = p.stages().stream()
        .map(s -> new Stage(s.nodeId(), s.layerStart(), s.layerEnd(),
            Math.max(1e-9, s.layerSeconds()) * (s.layerEnd() - s.layerStart())))
        .toList();
    return new PipelineSpec(p.pipelineId(), stages, PipelineState.valueOf(p.state().name()), 0, 0);
  }
}
