package dev.brigade.engine.model;

/**
 * How generated (tiny and synthetic) weights are spread, chosen so activations stay near unit
 * scale through the stack: projections ~ N(0, 1/fan_in), norm weights ~ 1 + N(0, 0.05^2)
 * (q/k norms ~ 2 + N(0, 0.05^2)), embeddings ~ N(0, 0.05^2).
 */
public final class WeightInit {
  public static final double EMBEDDING_STD = 0.05;
  public static final double NORM_STD = 0.05;

  private WeightInit() {}

  /**
   * q_norm and k_norm weights sit near 2, so attention scores have a spread of about 4 and
   * attention picks out positions. Near 1 the scores spread about 1, every head averages the
   * whole context, the hidden state drifts slowly, and greedy decoding of the tiny model falls
   * into repeating one token within a few steps.
   */
  public static final double QK_NORM_MEAN = 2.0;

  public static boolean isNorm(long[] shape) {
    return shape.length == 1;
  }

  /** Mean of a tensor with this shape: 1 for norm weights, else 0 (q/k norms: see above). */
  static double mean(long[] shape) {
    return isNorm(shape) ? 1.0 : 0.0;
  }

  public static double mean(String name, long[] shape) {
    LayerTensor t = Qwen3TensorNames.layerTensor(name);
    if (t == LayerTensor.Q_NORM || t == LayerTensor.K_NORM) {
      return QK_NORM_MEAN;
    }
    return mean(shape);
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
