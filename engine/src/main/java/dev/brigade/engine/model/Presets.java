package dev.brigade.engine.model;

import java.util.List;

/**
 * The published shapes of the Qwen3 dense models Brigade targets (from their Hugging Face
 * config.json files), for synthetic real-shape weights. All use RoPE theta 1e6, RMSNorm eps
 * 1e-6, head_dim 128, 8 KV heads, 40960 positions and the 151936-token vocabulary.
 */
public final class Presets {
  public static final List<String> NAMES =
      List.of("qwen3-0.6b", "qwen3-8b", "qwen3-32b", "qwen3-32b-fp8");

  private Presets() {}

  /** The preset's full config; unknown names are an IllegalArgumentException listing the known. */
  public static ModelConfig get(String name) {
    return switch (name) {
      case "qwen3-0.6b" -> qwen3(name, 1024, 3072, 28, 16, true, false);
      case "qwen3-8b" -> qwen3(name, 4096, 12288, 36, 32, false, false);
      case "qwen3-32b" -> qwen3(name, 5120, 25600, 64, 64, false, false);
      case "qwen3-32b-fp8" -> qwen3(name, 5120, 25600, 64, 64, false, true);
      default -> throw new IllegalArgumentException(
          "unknown preset '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    };
  }

  /** The preset cut to its first {@code layers} layers (the whole stack when layers is 0). */
  public static ModelConfig get(String name, int layers) {
    return withLayers(get(name), layers);
  }

  /** {@code config} with {@code layers} decoder layers (1..numLayers; 0 keeps all). */
  public static ModelConfig withLayers(ModelConfig c, int layers) {
    if (layers == 0) {
      return c;
    }
    if (layers < 0 || layers > c.numLayers()) {
      throw new IllegalArgumentException(
          "layers must be 1.." + c.numLayers() + " for " + c.name() + ", got " + layers);
    }
    return new ModelConfig(c.name(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(), layers,
        c.numHeads(), c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(),
        c.tieWordEmbeddings(), c.maxPositionEmbeddings(), c.dtype(), c.fp8(), c.bosTokenId(),
        c.eosTokenId());
  }

  private static ModelConfig qwen3(
      String name, int hidden, int intermediate, int layers, int heads, boolean tied, boolean fp8) {
    return new ModelConfig(name, 151936, hidden, intermediate, layers, heads, 8, 128, 1e-6,
        1_000_000.0, null, tied, 40960, DType.BF16, fp8, 151643, 151645);
  }
}
