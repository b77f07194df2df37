package dev.brigade.engine.numeric;

/** bfloat16: the top 16 bits of an IEEE float32. Conversions round to nearest, ties to even. */
public final class Bf16 {
  private Bf16() {}

  public static float toFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7FFFFFFF) > 0x7F800000) {
      // NaN: keep the sign, force a quiet NaN so truncation cannot turn it into infinity.
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** {@code value} rounded to the nearest bf16, as a float. */
  public static float round(float value) {
    return toFloat(fromFloat(value));
  }
}
