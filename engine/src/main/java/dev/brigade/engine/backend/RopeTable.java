package dev.brigade.engine.backend;

import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.RopeScaling;

/**
 * Rotary embedding frequencies for one head size, as transformers computes them: inv_freq[i] =
 * 1 / theta^(2i/d) in fp32, optionally blended by YaRN, and an attention scaling that multiplies
 * cos and sin (1 without YaRN).
 */
public record RopeTable(int headDim, float[] invFreq, float attentionScaling) {

  public RopeTable {
    if (headDim % 2 != 0 || invFreq.length != headDim / 2) {
      throw new IllegalArgumentException("RoPE needs an even head dim and headDim/2 frequencies");
    }
  }

  /** The table for {@code config}: plain RoPE, or YaRN when its rope scaling says "yarn". */
  public static RopeTable of(ModelConfig config) {
    RopeScaling scaling = config.ropeScaling();
    if (scaling != null && "yarn".equalsIgnoreCase(scaling.type())) {
      return yarn(config.headDim(), config.ropeTheta(), scaling, config.maxPositionEmbeddings());
    }
    if (scaling != null && !"default".equalsIgnoreCase(scaling.type())) {
      throw new IllegalArgumentException("unsupported rope scaling type '" + scaling.type()
          + "' (Brigade supports default and yarn)");
    }
    return plain(config.headDim(), config.ropeTheta());
  }

  public static RopeTable plain(int headDim, double theta) {
    return new RopeTable(headDim, baseFrequencies(headDim, theta, 1), 1f);
  }

  /** 1 / (factor * theta^(2i/d)), with the exponent and power in fp32 as torch does. */
  private static float[] baseFrequencies(int headDim, double theta, double factor) {
    float[] inv = new float[headDim / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / headDim;
      float pos = (float) Math.pow(theta, exponent);
      inv[i] = (float) (1.0 / (factor * pos));
    }
    return inv;
  }

  /**
   * YaRN (transformers' _compute_yarn_parameters): low-frequency dims are interpolated by
   * {@code factor}, high-frequency dims kept, a linear ramp between the correction dims of
   * beta_fast and beta_slow blends them; cos and sin get the attention factor
   * (0.1 ln(factor) + 1 unless the config gives one).
   */
  static RopeTable yarn(int headDim, double theta, RopeScaling s, int maxPositions) {
    double factor = s.factor();
    if (!(factor > 0)) {
      throw new IllegalArgumentException("yarn rope scaling needs a positive factor, got " + factor);
    }
    int originalMax = s.originalMaxPositionEmbeddings() > 0
        ? s.originalMaxPositionEmbeddings() : maxPositions;
    double betaFast = s.betaFast() > 0 ? s.betaFast() : 32;
    double betaSlow = s.betaSlow() > 0 ? s.betaSlow() : 1;
    double attentionFactor = s.attentionFactor() > 0
        ? s.attentionFactor() : (factor <= 1 ? 1.0 : 0.1 * Math.log(factor) + 1.0);

    double low = Math.max(Math.floor(correctionDim(betaFast, headDim, theta, originalMax)), 0);
    double high = Math.min(Math.ceil(correctionDim(betaSlow, headDim, theta, originalMax)),
        headDim - 1);
    if (low == high) {
      high += 0.001;
    }
    float[] extrapolation = baseFrequencies(headDim, theta, 1);
    float[] interpolation = baseFrequencies(headDim, theta, factor);
    float[] inv = new float[headDim / 2];
    for (int i = 0; i < inv.length; i++) {
      float ramp = (float) ((i - low) / (high - low));
      ramp = Math.min(Math.max(ramp, 0f), 1f);
      float extrapolationFactor = 1f - ramp;
      inv[i] = interpolation[i] * (1f - extrapolationFactor)
          + extrapolation[i] * extrapolationFactor;
    }
    return new RopeTable(headDim, inv, (float) attentionFactor);
  }

  private static double correctionDim(double rotations, int dim, double base, int maxPositions) {
    return dim * Math.log(maxPositions / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
  }

  /** cos and sin of one (position, frequency) pair, times the attention scaling. */
  public float cos(int position, int i) {
    float angle = position * invFreq[i];
    return (float) StrictMath.cos(angle) * attentionScaling;
  }

  public float sin(int position, int i) {
    float angle = position * invFreq[i];
    return (float) StrictMath.sin(angle) * attentionScaling;
  }
}
