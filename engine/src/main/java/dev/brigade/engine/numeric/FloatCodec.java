package dev.brigade.engine.numeric;

import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Floats to and from the little-endian bytes of the float dtypes (BF16, F16, F32, and F8_E4M3
 * without block scales).
 */
public final class FloatCodec {
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private FloatCodec() {}

  /** {@code value} rounded to the nearest value of {@code dtype}, as a float. */
  public static float round(float value, DType dtype) {
    return switch (dtype) {
      case BF16 -> Bf16.round(value);
      case F16 -> F16.toFloat(F16.fromFloat(value));
      case F32 -> value;
      case F8_E4M3 -> Fp8E4m3.toFloat(Fp8E4m3.fromFloat(value));
    };
  }

  /** The next larger value of {@code dtype} after a positive, finite, representable value. */
  static float nextUp(float value, DType dtype) {
    return switch (dtype) {
      case BF16 -> Bf16.toFloat((short) (Bf16.fromFloat(value) + 1));
      case F16 -> F16.toFloat((short) (F16.fromFloat(value) + 1));
      case F32 -> Math.nextUp(value);
      case F8_E4M3 -> Fp8E4m3.toFloat((byte) (Fp8E4m3.fromFloat(value) + 1));
    };
  }

  public static byte[] encode(float[] values, DType dtype) {
    byte[] out = new byte[Math.multiplyExact(values.length, dtype.bytes())];
    encode(values, dtype, MemorySegment.ofArray(out));
    return out;
  }

  /** Writes {@code values} as {@code dtype} at the start of {@code out}. */
  public static void encode(float[] values, DType dtype, MemorySegment out) {
    for (int i = 0; i < values.length; i++) {
      long at = (long) i * dtype.bytes();
      switch (dtype) {
        case BF16 -> out.set(SHORT, at, Bf16.fromFloat(values[i]));
        case F16 -> out.set(SHORT, at, F16.fromFloat(values[i]));
        case F32 -> out.set(FLOAT, at, values[i]);
        case F8_E4M3 -> out.set(ValueLayout.JAVA_BYTE, at, Fp8E4m3.fromFloat(values[i]));
      }
    }
  }

  /** Element {@code index} of a {@code dtype} array held in {@code bytes}. */
  public static float get(MemorySegment bytes, DType dtype, long index) {
    long at = index * dtype.bytes();
    return switch (dtype) {
      case BF16 -> Bf16.toFloat(bytes.get(SHORT, at));
      case F16 -> F16.toFloat(bytes.get(SHORT, at));
      case F32 -> bytes.get(FLOAT, at);
      case F8_E4M3 -> Fp8E4m3.toFloat(bytes.get(ValueLayout.JAVA_BYTE, at));
    };
  }

  /** The first {@code count} elements of a {@code dtype} array as floats. */
  public static float[] decode(MemorySegment bytes, DType dtype, int count) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = get(bytes, dtype, i);
    }
    return out;
  }
}
