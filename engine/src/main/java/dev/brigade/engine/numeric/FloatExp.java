package dev.brigade.engine.numeric;

/**
 * e^x in float arithmetic only, so every JVM on every CPU gets the same bits (Java float
 * operations are strict IEEE 754; {@code Math.exp} may differ by an ulp between platforms, which
 * could change a draw after a sequence moves to another machine). Relative error about 2e-7.
 * The sampler uses it, and the CPU backend's vector form ({@code ExpKernels}) matches it bit
 * for bit.
 */
public final class FloatExp {

  /** The constants of the range reduction, public for the vector form, which must use them. */
  public static final float LOG2E = 1.44269504f;
  public static final float LN2_HI = 0.693359375f; // few bits, so k * LN2_HI is exact
  public static final float LN2_LO = -2.12194440e-4f;
  /**
   * Below this e^x is under the smallest normal float and returned as 0; above the next,
   * infinite.
   */
  public static final float MIN_X = -87.33f;
  public static final float MAX_X = 88.72f;

  private FloatExp() {}

  public static float exp(float x) {
    if (x < MIN_X) return 0f; // below the smallest normal float: flushed to zero
    if (x > MAX_X) return Float.POSITIVE_INFINITY;
    if (x != x) return x;
    int k = Math.round(x * LOG2E);
    float r = (x - k * LN2_HI) - k * LN2_LO; // |r| <= ln2 / 2
    float p = 1f + r * (1f + r * (0.5f + r * (1f / 6 + r * (1f / 24
        + r * (1f / 120 + r * (1f / 720))))));
    return p * Float.intBitsToFloat((k + 127) << 23);
  }
}
