package dev.brigade.engine.numeric;

/**
 * FP8 E4M3 in the "fn" variant used by safetensors' F8_E4M3 and torch.float8_e4m3fn: 1 sign,
 * 4 exponent (bias 7) and 3 mantissa bits, no infinities, only 0x7F and 0xFF are NaN, largest
 * finite magnitude 448, smallest subnormal 2^-9.
 */
public final class Fp8E4m3 {
  public static final float MAX = 448f;

  private static final float[] DECODE = buildDecodeTable();

  private Fp8E4m3() {}

  public static float toFloat(byte code) {
    return DECODE[code & 0xFF];
  }

  /** All 256 codes decoded, indexed by the unsigned code. A copy; callers may keep it. */
  public static float[] decodeTable() {
    return DECODE.clone();
  }

  /** Nearest code, ties to even mantissa; magnitudes beyond 448 (and infinities) saturate. */
  public static byte fromFloat(float value) {
    if (Float.isNaN(value)) {
      return 0x7F;
    }
    int sign = (Float.floatToRawIntBits(value) >>> 24) & 0x80;
    float magnitude = Math.abs(value);
    if (magnitude >= MAX) {
      return (byte) (sign | 0x7E);
    }
    int code;
    if (magnitude < 0x1p-6f) {
      // Subnormal range: steps of 2^-9; a result of 8 is exactly the smallest normal (0x08).
      code = (int) Math.rint(Math.scalb(magnitude, 9));
    } else {
      // Normal: 8 steps per binade. Scaling by a power of two is exact, so rint is exact RNE;
      // a mantissa that rounds up to 16 carries into the next exponent on its own.
      int exponent = Math.getExponent(magnitude);
      int steps = (int) Math.rint(Math.scalb(magnitude, 3 - exponent));
      code = ((exponent + 7) << 3) + (steps - 8);
    }
    return (byte) (sign | Math.min(code, 0x7E));
  }

  private static float[] buildDecodeTable() {
    float[] table = new float[256];
    for (int code = 0; code < 256; code++) {
      int exponent = (code >>> 3) & 0xF;
      int mantissa = code & 0x7;
      float magnitude;
      if (exponent == 0xF && mantissa == 0x7) {
        magnitude = Float.NaN;
      } else if (exponent == 0) {
        magnitude = Math.scalb((float) mantissa, -9);
      } else {
        magnitude = Math.scalb(8f + mantissa, exponent - 10);
      }
      table[code] = (code & 0x80) != 0 ? -magnitude : magnitude;
    }
    return table;
  }
}
