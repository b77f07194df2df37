package dev.brigade.engine.numeric;

/**
 * e^x in float arithmetic only, so every JVM on every CPU gets the same bits (Java float
 * operations are strict IEEE 754; {@code Math.exp} may differ by an ulp between platforms, which
 * could change a draw after a sequence moves to another machine). Relative error about 2e-7.
 * The sampler uses it, and the CPU backend's vector form ({@code ExpKernels}) matches it bit
 * for bit.
 */
public final class FloatExp {

  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693359375f; // few bits, so k * LN2_HI is exact
  private static final float LN2_LO = -2.12194440e-4f;

  private FloatExp() {}

  public static float exp(float x) {
    if (x < -87.33f) return 0f; // below the smallest normal float: flushed to zero
    if (x > 88.72f) return Float.POSITIVE_INFINITY;
    if (x != x) return x;
    int k = Math.round(x * LOG2E);
    float r = (x - k * LN2_HI) - k * LN2_LO; // |r| <= ln2 / 2
    float p = 1f + r * (1f + r * (0.5f + r * (1f / 6 + r * (1f / 24 + r * (1f / 120 + r * (1f / 720))))));
    return p * Float.intBitsToFloat((k + 127) << 23);
  }
}
