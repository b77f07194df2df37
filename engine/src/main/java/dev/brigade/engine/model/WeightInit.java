package dev.brigade.engine.model;

/**
 * How generated (tiny and synthetic) weights are spread, chosen so activations stay near unit
 * scale through the stack: projections ~ N(0, 1/fan_in), norm weights ~ 1 + N(0, 0.05^2),
 * embeddings ~ N(0, 0.05^2).
 */
public final class WeightInit {
  public static final double EMBEDDING_STD = 0.05;
  public static final double NORM_STD = 0.05;

  private WeightInit() {}

  public static boolean isNorm(long[] shape) {
    return shape.length == 1;
  }

  /** Mean of the values of a tensor with this name and shape: 1 for norms, else 0. */
  public static double mean(long[] shape) {
    return isNorm(shape) ? 1.0 : 0.0;
  }

  /** Standard deviation for a tensor with this name and shape. */
  public static double std(String name, long[] shape) {
    if (isNorm(shape)) {
      return NORM_STD;
    }
    if (name.equals(Qwen3TensorNames.EMBED_TOKENS) || name.equals(Qwen3TensorNames.LM_HEAD)) {
      return EMBEDDING_STD;
    }
    return 1.0 / Math.sqrt(shape[1]);
  }
}
