package dev.brigade.scheduler.plan;

/**
 * The allocator's few settings.
 *
 * <p>KV reserve rule: every layer a node hosts comes with KV cache room for {@code
 * kvTokensPerLayer} tokens (summed over the sequences it serves), so a node's capacity is the
 * number of (layer weights + that KV room) it can hold. A token budget rather than a memory
 * fraction keeps the serving room of every pipeline the same whatever its nodes' sizes.
 *
 * @param kvTokensPerLayer context tokens of KV cache reserved with every hosted layer
 * @param maxTokenSeconds pipelines slower than this per token at batch 1 are not formed (their
 *     nodes stay on standby for repairs); infinite by default, so a fleet of slow CPU nodes still
 *     serves. A service with a latency target sets it (the simulator uses 0.25 s).
 * @param linkBytesPerSecond network bandwidth assumed between nodes for activation transfer
 * @param maxStages the longest pipeline the allocator builds
 */
public record AllocatorConfig(
    long kvTokensPerLayer, double maxTokenSeconds, double linkBytesPerSecond, int maxStages) {

  public static final AllocatorConfig DEFAULT =
      new AllocatorConfig(16_384, Double.POSITIVE_INFINITY, 12.5e6, 16);

  public AllocatorConfig {
    if (kvTokensPerLayer < 0) throw new IllegalArgumentException("kvTokensPerLayer < 0");
    if (!(maxTokenSeconds > 0)) throw new IllegalArgumentException("maxTokenSeconds must be > 0");
    if (!(linkBytesPerSecond > 0)) throw new IllegalArgumentException("linkBytesPerSecond must be > 0");
    if (maxStages < 1) throw new IllegalArgumentException("maxStages must be >= 1");
  }

  public AllocatorConfig withMaxTokenSeconds(double seconds) {
    return new AllocatorConfig(kvTokensPerLayer, seconds, linkBytesPerSecond, maxStages);
  }
}
