package dev.brigade.protocol.plan;

import java.util.List;
import java.util.Locale;

/**
 * ModelShape computed from a Qwen3 config's numbers (never from published totals), and the
 * presets the simulator and tests use. BF16 tensors take 2 bytes per value; FP8 checkpoints
 * store each projection as 1 byte per value plus one BF16 scale per 128x128 block, while
 * norms, embeddings and lm_head stay BF16.
 */
public final class Qwen3Shapes {
  private static final int BF16 = 2;
  private static final int FP8_BLOCK = 128;

  private Qwen3Shapes() {}

  /** The config numbers that determine sizes (names follow config.json). */
  public record Config(
      String name,
      int hiddenSize,
      int numLayers,
      int numHeads,
      int numKvHeads,
      int headDim,
      int intermediateSize,
      int vocabSize,
      boolean tieWordEmbeddings) {}

  public static final Config QWEN3_32B =
      new Config("qwen3-32b", 5120, 64, 64, 8, 128, 25600, 151936, false);
  public static final Config QWEN3_8B =
      new Config("qwen3-8b", 4096, 36, 32, 8, 128, 12288, 151936, false);
  public static final Config QWEN3_0_6B =
      new Config("qwen3-0.6b", 1024, 28, 16, 8, 128, 3072, 151936, true);

  public static final List<String> PRESETS =
      List.of("qwen3-32b-fp8", "qwen3-32b", "qwen3-8b", "qwen3-0.6b");

  /** The shape of a preset by name, e.g. "qwen3-32b-fp8". */
  public static ModelShape preset(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "qwen3-32b-fp8" -> shape(QWEN3_32B, true);
      case "qwen3-32b" -> shape(QWEN3_32B, false);
      case "qwen3-8b" -> shape(QWEN3_8B, false);
      case "qwen3-0.6b" -> shape(QWEN3_0_6B, false);
      default ->
          throw new IllegalArgumentException(
              "unknown preset '" + name + "' (known: " + String.join(", ", PRESETS) + ")");
    };
  }

  /** Sizes and FLOPs of a Qwen3 model with the given config; fp8 = block-scaled projections. */
  public static ModelShape shape(Config c, boolean fp8) {
    int h = c.hiddenSize();
    int q = c.numHeads() * c.headDim();
    int kv = c.numKvHeads() * c.headDim();
    int ff = c.intermediateSize();
    // The seven projections of one layer as (out, in) matrices.
    long[][] projections = {{q, h}, {kv, h}, {kv, h}, {h, q}, {ff, h}, {ff, h}, {h, ff}};
    long projectionBytes = 0;
    long projectionParams = 0;
    for (long[] p : projections) {
      projectionParams += p[0] * p[1];
      projectionBytes += matrixBytes(p[0], p[1], fp8);
    }
    // input_layernorm + post_attention_layernorm (hidden each), q_norm + k_norm (head_dim each).
    long normBytes = (2L * h + 2L * c.headDim()) * BF16;
    long layerBytes = projectionBytes + normBytes;
    long embeddingBytes = (long) c.vocabSize() * h * BF16;
    // A tied model still needs the (shared) table on the tail; a tail that is not the head holds a copy.
    long headBytes = (long) h * BF16 + (long) c.vocabSize() * h * BF16;
    long kvPerToken = 2L * kv * BF16;
    long activationBytes = (long) h * BF16;
    double flopsPerLayer = 2.0 * projectionParams;
    double headFlops = 2.0 * c.vocabSize() * h;
    String name = c.name() + (fp8 ? "-fp8" : "");
    return new ModelShape(
        name, c.numLayers(), layerBytes, embeddingBytes, headBytes, kvPerToken, activationBytes,
        flopsPerLayer, headFlops);
  }

  private static long matrixBytes(long rows, long cols, boolean fp8) {
    if (!fp8) return rows * cols * BF16;
    long blocks = ceilDiv(rows, FP8_BLOCK) * ceilDiv(cols, FP8_BLOCK);
    return rows * cols + blocks * BF16;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
