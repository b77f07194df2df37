package dev.brigade.protocol.routing;

import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import java.util.Collection;
import java.util.Optional;

/**
 * Routing as a pure function: the ready pipeline with room whose expected latency for one
 * more sequence is lowest.
 *
 * <p>Expected seconds per token = the stages' own times + the hops around the ring + the
 * queue: the tokens already leased on the pipeline, worked off at its slowest stage, which
 * advances {@code batchWidth} sequences per step (decode is memory-bound, so a batch costs
 * about one token's time). Ties go to the smaller pipeline id, so the answer is deterministic.
 */
public final class Router {
  /** Sequences one stage advances per decode step at about the cost of one. */
  public static final int DEFAULT_BATCH_WIDTH = 16;

  private Router() {}

  public static double expectedSeconds(PipelineSpec p, long leasedTokens, int batchWidth) {
    return p.tokenSeconds() + leasedTokens * p.bottleneckSeconds() / batchWidth;
  }

  /** True if the pipeline can take a sequence needing {@code tokens} of KV room now. */
  public static boolean hasRoom(PipelineSpec p, Leases leases, long tokens) {
    return leases.leasedTokens(p.id()) + tokens <= p.tokenCapacity();
  }

  /**
   * The pipeline to send a sequence of {@code tokens} context tokens to, or empty when no ready
   * pipeline has room. The caller then acquires a lease on it.
   */
  public static Optional<PipelineSpec> pick(
      Collection<PipelineSpec> pipelines, Leases leases, long tokens, int batchWidth) {
    PipelineSpec best = null;
    double bestSeconds = Double.MAX_VALUE;
    for (PipelineSpec p : pipelines) {
      if (p.state() != PipelineState.READY || !hasRoom(p, leases, tokens)) continue;
      double seconds = expectedSeconds(p, leases.leasedTokens(p.id()), batchWidth);
      if (best == null || seconds < bestSeconds || (seconds == bestSeconds && p.id().compareTo(best.id()) < 0)) {
        best = p;
        bestSeconds = seconds;
      }
    }
    return Optional.ofNullable(best);
  }

  public static Optional<PipelineSpec> pick(Collection<PipelineSpec> pipelines, Leases leases, long tokens) {
    return pick(pipelines, leases, tokens, DEFAULT_BATCH_WIDTH);
  }
}
