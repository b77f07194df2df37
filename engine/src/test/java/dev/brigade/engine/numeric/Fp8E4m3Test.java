package dev.brigade.engine.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Fp8E4m3Test {

  /** Independent of the implementation: the e4m3fn definition written out with Math.pow. */
  private static double reference(int code) {
    int sign = code >> 7;
    int e = (code >> 3) & 15;
    int m = code & 7;
    if (e == 15 && m == 7) {
      return Double.NaN;
    }
    double magnitude = e == 0 ? Math.pow(2, -6) * (m / 8.0) : Math.pow(2, e - 7) * (1 + m / 8.0);
    return sign == 1 ? -magnitude : magnitude;
  }

  @Test
  void decodesAll256CodesLikeTheDefinition() {
    for (int code = 0; code < 256; code++) {
      double expected = reference(code);
      float actual = Fp8E4m3.toFloat((byte) code);
      if (Double.isNaN(expected)) {
        assertTrue(Float.isNaN(actual), "code " + code);
      } else {
        assertEquals(expected, actual, 0.0, "code " + code);
      }
    }
    assertEquals(448f, Fp8E4m3.toFloat((byte) 0x7E));
    assertEquals(-448f, Fp8E4m3.toFloat((byte) 0xFE));
    assertEquals(1f, Fp8E4m3.toFloat((byte) 0x38));
    assertEquals(0x1p-9f, Fp8E4m3.toFloat((byte) 0x01));
    assertEquals(0x1p-6f, Fp8E4m3.toFloat((byte) 0x08));
    assertTrue(Float.isNaN(Fp8E4m3.toFloat((byte) 0x7F)));
    assertTrue(Float.isNaN(Fp8E4m3.toFloat((byte) 0xFF)));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Fp8E4m3.toFloat((byte) 0x80)));
  }

  @Test
  void everyFiniteCodeEncodesBackToItself() {
    for (int code = 0; code < 256; code++) {
      if ((code & 0x7F) == 0x7F) {
        continue;
      }
      assertEquals((byte) code, Fp8E4m3.fromFloat(Fp8E4m3.toFloat((byte) code)), "code " + code);
    }
  }

  @Test
  void midpointsRoundToEvenAndNeighboursToTheNearest() {
    for (int code = 0; code < 0x7E; code++) {
      float lo = Fp8E4m3.toFloat((byte) code);
      float hi = Fp8E4m3.toFloat((byte) (code + 1));
      float mid = (lo + hi) / 2; // exact in float: both have at most 4 significant bits
      byte even = (byte) ((code & 1) == 0 ? code : code + 1);
      assertEquals(even, Fp8E4m3.fromFloat(mid), "midpoint after code " + code);
      assertEquals((byte) code, Fp8E4m3.fromFloat(Math.nextDown(mid)));
      assertEquals((byte) (code + 1), Fp8E4m3.fromFloat(Math.nextUp(mid)));
      assertEquals((byte) (code | 0x80), Fp8E4m3.fromFloat(-Math.nextDown(mid)));
    }
  }

  @Test
  void saturatesInsteadOfOverflowing() {
    assertEquals((byte) 0x7E, Fp8E4m3.fromFloat(448f));
    assertEquals((byte) 0x7E, Fp8E4m3.fromFloat(470f));
    assertEquals((byte) 0x7E, Fp8E4m3.fromFloat(1e30f));
    assertEquals((byte) 0x7E, Fp8E4m3.fromFloat(Float.POSITIVE_INFINITY));
    assertEquals((byte) 0xFE, Fp8E4m3.fromFloat(Float.NEGATIVE_INFINITY));
    assertEquals((byte) 0x7F, Fp8E4m3.fromFloat(Float.NaN));
    assertEquals((byte) 0x00, Fp8E4m3.fromFloat(0x1p-11f)); // below half the smallest subnormal
    assertEquals((byte) 0x80, Fp8E4m3.fromFloat(-0f));
  }

  @Test
  void randomValuesEncodeToTheNearestCode() {
    SplitMix64 rng = new SplitMix64(1);
    float[] table = Fp8E4m3.decodeTable();
    for (int i = 0; i < 20000; i++) {
      float x = (float) (rng.nextGaussian() * Math.pow(2, rng.nextDouble() * 20 - 12));
      float got = Fp8E4m3.toFloat(Fp8E4m3.fromFloat(x));
      double best = Double.MAX_VALUE;
      for (float v : table) {
        if (!Float.isNaN(v)) {
          best = Math.min(best, Math.abs(v - (double) x));
        }
      }
      assertEquals(best, Math.abs(got - (double) x), 0.0, "x=" + x);
    }
  }
}
