package dev.brigade.engine.bench;

import dev.brigade.engine.model.Presets;

/**
 * What {@link EngineBench} runs.
 *
 * @param preset a {@link Presets} name
 * @param layers decoder layers to keep (0 = all)
 * @param dtype "bf16" or "fp8" for the projections, or null for the preset's own
 * @param batch sequences decoded together in the batched decode measurement (1 = skip it)
 * @param threads compute threads (the CPU backend's pool and the bandwidth probe)
 * @param warmup untimed decode steps before the timed ones
 * @param iterations timed decode steps (the median counts)
 * @param prefillTokens tokens in the prefill chunk
 * @param prefillRuns timed prefill chunks (the median counts), after one untimed
 * @param bandwidthBytes size of the bandwidth probe's buffer
 * @param bandwidthPasses passes through it (the best counts)
 * @param seed synthetic weight seed
 */
public record EngineBenchOptions(
    String preset, int layers, String dtype, int batch, int threads, int warmup, int iterations,
    int prefillTokens, int prefillRuns, long bandwidthBytes, int bandwidthPasses, long seed) {

  public EngineBenchOptions {
    Presets.get(preset, layers); // names the bad preset or layer count
    if (dtype != null && !dtype.equals("bf16") && !dtype.equals("fp8")) {
      throw new IllegalArgumentException("dtype must be bf16 or fp8, got '" + dtype + "'");
    }
    positive("batch", batch);
    positive("threads", threads);
    positive("iterations", iterations);
    positive("prefill tokens", prefillTokens);
    positive("prefill runs", prefillRuns);
    positive("bandwidth passes", bandwidthPasses);
    if (warmup < 0) {
      throw new IllegalArgumentException("warm-up steps must not be negative, got " + warmup);
    }
    if (bandwidthBytes < (1 << 20)) {
      throw new IllegalArgumentException("the bandwidth buffer must be at least 1 MiB, got "
          + bandwidthBytes + " bytes");
    }
  }

  private static void positive(String what, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + value);
    }
  }

  /** Defaults for a preset: all cores, 1 GiB bandwidth buffer, 256-token prefill. */
  public static EngineBenchOptions defaults(String preset) {
    return new EngineBenchOptions(preset, 0, null, 1, Runtime.getRuntime().availableProcessors(),
        8, 32, 256, 3, 1L << 30, 5, 1);
  }
}
