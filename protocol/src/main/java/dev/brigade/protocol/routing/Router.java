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

  /** How a pipeline's expected seconds per token grow with the context tokens leased on it. */
  @FunctionalInterface
  public interface LoadModel {
    double secondsPerLeasedToken(PipelineSpec p);
  }

  /**
   * The queue model: the leased tokens are worked off at the slowest stage, which advances
   * {@code batchWidth} sequences per step.
   */
  public static LoadModel queue(int batchWidth) {
    if (batchWidth < 1) throw new IllegalArgumentException("batchWidth must be >= 1, got " + batchWidth);
    return p -> p.bottleneckSeconds() / batchWidth;
  }

  /**
   * The roofline model of memory-bound decode: every step, each stage streams its layers'
   * weights and the KV cache of every context token it holds. A stage's batch-1 time is its
   * weight bytes / bandwidth, so each leased context token adds (KV bytes per token per layer /
   * weight bytes per layer) of the stages' time to every token: a pipeline with fast memory and
   * room to spare stays the better choice until its cache really fills.
   */
  public static LoadModel kvReads(long kvBytesPerTokenPerLayer, long layerWeightBytes) {
    if (kvBytesPerTokenPerLayer <= 0 || layerWeightBytes <= 0)
      throw new IllegalArgumentException("KV and weight bytes per layer must be > 0");
    double ratio = (double) kvBytesPerTokenPerLayer / layerWeightBytes;
    return p -> ratio * (p.tokenSeconds() - p.hopSeconds());
  }

  public static double expectedSeconds(PipelineSpec p, long leasedTokens, LoadModel model) {
    return p.tokenSeconds() + leasedTokens * model.secondsPerLeasedToken(p);
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
      Collection<PipelineSpec> pipelines, Leases leases, long tokens, LoadModel model) {
    PipelineSpec best = null;
    double bestSeconds = Double.MAX_VALUE;
    for (PipelineSpec p : pipelines) {
      if (p.state() != PipelineState.READY || !hasRoom(p, leases, tokens)) continue;
      double seconds = expectedSeconds(p, leases.leasedTokens(p.id()), model);
      if (best == null || seconds < bestSeconds || (seconds == bestSeconds && p.id().compareTo(best.id()) < 0)) {
        best = p;
        bestSeconds = seconds;
      }
    }
    return Optional.ofNullable(best);
  }

  public static Optional<PipelineSpec> pick(
      Collection<PipelineSpec> pipelines, Leases leases, long tokens, int batchWidth) {
    return pick(pipelines, leases, tokens, queue(batchWidth));
  }

  public static Optional<PipelineSpec> pick(Collection<PipelineSpec> pipelines, Leases leases, long tokens) {
    return pick(pipelines, leases, tokens, DEFAULT_BATCH_WIDTH);
  }
}
