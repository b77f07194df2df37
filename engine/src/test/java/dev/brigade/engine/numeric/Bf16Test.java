package dev.brigade.engine.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Bf16Test {

  @Test
  void roundsToNearestWithTiesToEven() {
    SplitMix64 rng = new SplitMix64(3);
    for (int i = 0; i < 100000; i++) {
      float x = Float.intBitsToFloat((int) rng.nextLong());
      if (Float.isNaN(x) || Float.isInfinite(x)) {
        continue;
      }
      int bits = Float.floatToRawIntBits(x);
      float down = Float.intBitsToFloat(bits & 0xFFFF0000);
      float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
      // The step above `down`, in double: past the largest bf16 it is where infinity begins.
      double step = (double) Math.ulp(down) * 65536.0;
      double dDown = Math.abs((double) x - down);
      double dUp = step - dDown;
      float expected;
      if (dDown < dUp) {
        expected = down;
      } else if (dUp < dDown) {
        expected = up;
      } else {
        expected = ((bits >>> 16) & 1) == 0 ? down : up;
      }
      assertEquals(expected, Bf16.round(x), "x=" + x);
    }
    assertEquals(1f, Bf16.round(Float.intBitsToFloat(0x3F808000))); // tie, even below
    assertEquals(Float.intBitsToFloat(0x3F820000), Bf16.round(Float.intBitsToFloat(0x3F818000)));
  }

  @Test
  void specialValuesSurvive() {
    assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
    assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.intBitsToFloat(0x7F800001)))));
    assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.POSITIVE_INFINITY));
    assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE)); // rounds past the top
    assertEquals(-2.5f, Bf16.round(-2.5f));
    for (int bits = 0; bits < 0x10000; bits++) {
      float v = Bf16.toFloat((short) bits);
      if (!Float.isNaN(v)) {
        assertEquals((short) bits, Bf16.fromFloat(v));
      }
    }
  }

  @Test
  void f16AgreesWithTheJdk() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float v = F16.toFloat((short) bits);
      if (!Float.isNaN(v)) {
        assertEquals((short) bits, F16.fromFloat(v));
      }
    }
    assertEquals(65504f, F16.toFloat(F16.fromFloat(65504f)));
  }
}
