package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Exact scalar conversions between the stored dtypes and f32, for the host backends. */
final class Numbers {
  private Numbers() {}

  /** All 256 F8_E4M3 (fn variant: no infinities, 0x7F/0xFF are NaN) codes as f32. */
  static final float[] FP8_E4M3 = new float[256];

  static {
    for (int code = 0; code < 256; code++) {
      int sign = (code >> 7) & 1;
      int exponent = (code >> 3) & 0xF;
      int mantissa = code & 7;
      float magnitude;
      if (exponent == 0xF && mantissa == 7) {
        magnitude = Float.NaN;
      } else if (exponent == 0) {
        magnitude = mantissa / 8f * 0x1p-6f;
      } else {
        magnitude = (1 + mantissa / 8f) * (float) Math.scalb(1.0, exponent - 7);
      }
      FP8_E4M3[code] = sign == 1 ? -magnitude : magnitude;
    }
  }

  static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** Rounds to the nearest bf16, ties to even (NaN stays NaN). */
  static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** Element {@code index} of a little-endian segment of {@code dtype} values, as f32. */
  static float toFloat(DType dtype, MemorySegment segment, long index) {
    return switch (dtype) {
      case F32 -> segment.getAtIndex(HostWeight.FLOAT, index);
      case BF16 -> bf16ToFloat(segment.getAtIndex(HostWeight.SHORT, index));
      case F16 -> Float.float16ToFloat(segment.getAtIndex(HostWeight.SHORT, index));
      case F8_E4M3 -> FP8_E4M3[segment.get(ValueLayout.JAVA_BYTE, index) & 0xFF];
    };
  }
}
