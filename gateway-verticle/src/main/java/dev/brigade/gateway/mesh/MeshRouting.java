package dev.brigade.gateway.mesh;

import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Stage;
import dev.brigade.protocol.routing.Lease;
import dev.brigade.protocol.routing.Leases;
import dev.brigade.protocol.routing.Router;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's use of the planner's {@link Router}: the pipeline table's records become
 * routing specs (stage time = layers x the node's measured seconds per layer), the router picks
 * the lowest expected latency, and each routed sequence holds a {@link Lease} on its pipeline
 * until it finishes or moves. Used on the service's context only.
 */
final class MeshRouting {
  private final Leases leases = new Leases();

  record Choice(PipelineRecord pipeline, Runnable release) {}

  /**
   * Picks a pipeline for a sequence of {@code tokens} context tokens (prompt + output limit)
   * and leases it, or returns null when none of {@code candidates} can take it.
   */
  Choice choose(List<PipelineRecord> candidates, long tokens) {
    Map<String, PipelineRecord> byId = new HashMap<>();
    List<PipelineSpec> specs = new ArrayList<>();
    for (PipelineRecord r : candidates) {
      byId.put(r.pipelineId(), r);
      specs.add(toSpec(r));
    }
    Optional<PipelineSpec> pick = Router.pick(specs, leases, tokens);
    if (pick.isEmpty()) {
      return null;
    }
    Lease lease = leases.acquire(pick.get().id(), tokens);
    return new Choice(byId.get(lease.pipelineId()), () -> leases.release(lease));
  }

  int inFlight(String pipelineId) {
    return leases.inFlight(pipelineId);
  }

  /**
   * The record as the router sees it. The table carries no KV capacity, so room is unbounded
   * here: each stage enforces its own at admission and refuses with QUEUE_FULL, and the gateway
   * then tries the next pipeline.
   */
  static PipelineSpec toSpec(PipelineRecord r) {
    List<Stage> stages = new ArrayList<>();
    for (PipelineRecord.Stage s : r.stages()) {
      int layers = s.layerEnd() - s.layerStart();
      stages.add(new Stage(s.nodeId(), s.layerStart(), s.layerEnd(), s.layerSeconds() * layers));
    }
    return new PipelineSpec(r.pipelineId(), stages, PipelineState.READY, 0, Long.MAX_VALUE);
  }
}
