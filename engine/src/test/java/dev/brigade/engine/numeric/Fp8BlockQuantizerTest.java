package dev.brigade.engine.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.model.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class Fp8BlockQuantizerTest {

  /** 130 x 300: blocks of 128x128, 128x44, 2x128 and 2x44 at the edges. */
  private static final int ROWS = 130;
  private static final int COLS = 300;

  /** Each block gets its own magnitude, so a scale shared across blocks would show. */
  private static float[] matrix() {
    SplitMix64 rng = new SplitMix64(11);
    float[] w = new float[ROWS * COLS];
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLS; c++) {
        double magnitude = Math.pow(10, (r / 128) * 3 + (c / 128) - 3);
        w[r * COLS + c] = (float) (rng.nextGaussian() * magnitude);
      }
    }
    return w;
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"BF16", "F16", "F32"})
  void edgeBlocksArePartialAndEveryBlockHasItsOwnScale(DType scaleDtype) {
    float[] w = matrix();
    var q = Fp8BlockQuantizer.quantize(w, ROWS, COLS, scaleDtype);
    assertEquals(2, q.scaleRows());
    assertEquals(3, q.scaleCols());
    assertEquals(6, q.scaleInv().length);
    assertEquals(6 * scaleDtype.bytes(), q.scaleBytes().length);
    for (int br = 0; br < 2; br++) {
      for (int bc = 0; bc < 3; bc++) {
        float amax = 0;
        for (int r = br * 128; r < Math.min(ROWS, br * 128 + 128); r++) {
          for (int c = bc * 128; c < Math.min(COLS, bc * 128 + 128); c++) {
            amax = Math.max(amax, Math.abs(w[r * COLS + c]));
          }
        }
        float scale = q.scaleInv()[br * 3 + bc];
        assertEquals(scale, FloatCodec.round(scale, scaleDtype), "scale is storable exactly");
        assertTrue(scale >= amax / 448f, "no saturation in block " + br + "," + bc);
        assertTrue(scale <= amax / 448f * 1.01f, "scale tight in block " + br + "," + bc);
      }
    }
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLS; c++) {
        float x = w[r * COLS + c];
        float scale = q.scaleInv()[(r / 128) * 3 + c / 128];
        // 3 mantissa bits: half an ulp is 2^-4 relative; subnormal steps are 2^-9 * scale.
        double bound = Math.max(Math.abs(x) * 0x1p-4, scale * 0x1p-10) * 1.0001;
        assertTrue(Math.abs(q.dequantized(r, c) - x) <= bound, "at " + r + "," + c);
      }
    }
  }

  @Test
  void zeroBlockAndShapeErrors() {
    var q = Fp8BlockQuantizer.quantize(new float[4], 2, 2, DType.BF16);
    assertEquals(1f, q.scaleInv()[0]);
    assertEquals(0f, q.dequantized(1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> Fp8BlockQuantizer.quantize(new float[5], 2, 2, DType.BF16));
  }
}
