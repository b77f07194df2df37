package dev.brigade.gateway.mesh;

import dev.brigade.protocol.control.PipelineRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the pipeline with the lowest expected latency for one more sequence: its per-token
 * time (sum over stages of layers x measured seconds per layer) times the sequences already in
 * flight on it plus one. In-flight counts are leases, released when the sequence ends or moves.
 * Used on the service's context only.
 */
final class MeshRouting {
  private final Map<String, Integer> inFlight = new HashMap<>();

  record Lease(PipelineRecord pipeline, Runnable release) {
    void releaseNow() {
      release.run();
    }
  }

  Lease choose(List<PipelineRecord> candidates) {
    PipelineRecord best = null;
    double bestCost = Double.MAX_VALUE;
    for (PipelineRecord p : candidates) {
      double cost = tokenSeconds(p) * (1 + inFlight.getOrDefault(p.pipelineId(), 0));
      if (best == null || cost < bestCost) {
        best = p;
        bestCost = cost;
      }
    }
    String id = best.pipelineId();
    inFlight.merge(id, 1, Integer::sum);
    boolean[] released = {false};
    return new Lease(best, () -> {
      if (!released[0]) {
        released[0] = true;
        inFlight.computeIfPresent(id, (k, n) -> n <= 1 ? null : n - 1);
      }
    });
  }

  int inFlight(String pipelineId) {
    return inFlight.getOrDefault(pipelineId, 0);
  }

  /** Expected seconds per decode step; unmeasured stages count a nominal millisecond per layer. */
  static double tokenSeconds(PipelineRecord p) {
    double s = 0;
    for (PipelineRecord.Stage st : p.stages()) {
      double perLayer = st.layerSeconds() > 0 ? st.layerSeconds() : 1e-3;
      s += perLayer * (st.layerEnd() - st.layerStart());
    }
    return s;
  }
}
