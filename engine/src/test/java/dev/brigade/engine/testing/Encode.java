package dev.brigade.engine.testing;

import dev.brigade.engine.model.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Test-side encoders from f32 to the stored dtypes, written independently of the engine's
 * decoders so a mismatch shows up as a failing test.
 */
public final class Encode {
  private Encode() {}

  static final ValueLayout.OfShort SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** bf16 bits of v, round to nearest even (finite inputs). */
  public static short bf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    int lsb = (bits >> 16) & 1;
    return (short) ((bits + 0x7FFF + lsb) >>> 16);
  }

  public static float fromBf16(short b) {
    return Float.intBitsToFloat((b & 0xFFFF) << 16);
  }

  /** The F8_E4M3FN value of a code, from its definition. */
  public static float fp8Value(int code) {
    int s = (code >> 7) & 1;
    int e = (code >> 3) & 15;
    int m = code & 7;
    if (e == 15 && m == 7) {
      return Float.NaN;
    }
    double mag = e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7);
    return (float) (s == 1 ? -mag : mag);
  }

  /** Nearest F8_E4M3FN code (saturating at +-448), ties to the even code. */
  public static byte fp8(float v) {
    int best = 0;
    double bestErr = Double.MAX_VALUE;
    for (int code = 0; code < 256; code++) {
      float f = fp8Value(code);
      if (Float.isNaN(f)) {
        continue;
      }
      double err = Math.abs(f - (double) Math.max(-448, Math.min(448, v)));
      if (err < bestErr || (err == bestErr && (code & 1) == 0)) {
        best = code;
        bestErr = err;
      }
    }
    return (byte) best;
  }

  /** A little-endian segment of {@code values} stored as {@code dtype} (not FP8). */
  public static MemorySegment store(float[] values, DType dtype) {
    MemorySegment seg = Arena.ofAuto().allocate((long) values.length * dtype.bytes(), 8);
    for (int i = 0; i < values.length; i++) {
      switch (dtype) {
        case F32 -> seg.setAtIndex(FLOAT, i, values[i]);
        case BF16 -> seg.setAtIndex(SHORT, i, bf16(values[i]));
        case F16 -> seg.setAtIndex(SHORT, i, Float.floatToFloat16(values[i]));
        case F8_E4M3 -> throw new IllegalArgumentException("use Fp8Block for FP8");
      }
    }
    return seg;
  }

  /** What {@code v} becomes after a round trip through {@code dtype} (not FP8). */
  public static float round(float v, DType dtype) {
    return switch (dtype) {
      case F32 -> v;
      case BF16 -> fromBf16(bf16(v));
      case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
      case F8_E4M3 -> throw new IllegalArgumentException("use Fp8Block for FP8");
    };
  }
}
