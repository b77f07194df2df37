package dev.brigade.engine.numeric;

/** IEEE half precision, through the JDK's exact conversions (round to nearest even). */
public final class F16 {
  private F16() {}

  public static float toFloat(short bits) {
    return Float.float16ToFloat(bits);
  }

  public static short fromFloat(float value) {
    return Float.floatToFloat16(value);
  }
}
