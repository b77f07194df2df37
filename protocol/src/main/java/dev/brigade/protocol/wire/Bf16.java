package dev.brigade.protocol.wire;

/** float32 to bfloat16 with round-to-nearest-even (NaN stays NaN). */
final class Bf16 {
  private Bf16() {}

  static int fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (bits >>> 16) | 0x40;
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (bits + rounding) >>> 16;
  }
}
