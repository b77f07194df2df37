package dev.brigade.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brigade.engine.numeric.Bf16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectorised per-row kernels against the scalar expressions they replace, bit for bit. */
class CpuKernelsTest {

  /** Random values plus the edges of bf16 rounding: ties, carries into the exponent, NaN, inf. */
  private static float[] values(int n) {
    SplittableRandom rnd = new SplittableRandom(11);
    float[] x = new float[n];
    int[] edgeBits = {0x3F808000, 0x3F818000, 0x3F80FFFF, 0x3F7FFFFF, 0x7F7FFFFF, 0x00000001,
        0x80008000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFF800001, 0x7F800001, 0x00000000,
        0x80000000, 0x477FFFFF, 0xC77F8000};
    for (int i = 0; i < edgeBits.length; i++) {
      x[i] = Float.intBitsToFloat(edgeBits[i]);
    }
    for (int i = edgeBits.length; i < n; i++) {
      x[i] = i % 3 == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (float) rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void storedBf16IsBf16FromFloatForEveryValueAndLength() {
    float[] x = values(4099);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(2L * (x.length + 8));
      for (int n : new int[] {x.length, 1, CpuKernels.L - 1, CpuKernels.L, 3 * CpuKernels.L + 5}) {
        seg.fill((byte) 0x55);
        CpuKernels.storeBf16(x, 0, seg, 3, n);
        for (int i = 0; i < n; i++) {
          assertEquals(Bf16.fromFloat(x[i]), seg.getAtIndex(HostWeight.SHORT, 3 + i),
              "bf16 of " + Integer.toHexString(Float.floatToRawIntBits(x[i])));
        }
        assertEquals((short) 0x5555, seg.getAtIndex(HostWeight.SHORT, 3 + n), "wrote past n");
      }
    }
  }

  @Test
  void rotateHalfIsTheScalarRotationOfEveryHead() {
    int heads = 3;
    for (int d : new int[] {128, 64, 2 * CpuKernels.L + 6}) {
      float[] x = values(heads * d + 7);
      float[] expected = x.clone();
      float[] cos = values(d);
      float[] sin = values(d + 1);
      int from = 7;
      int at = 1;
      for (int h = 0; h < heads; h++) {
        int base = from + h * d;
        for (int i = 0; i < d / 2; i++) {
          float a = expected[base + i];
          float b = expected[base + d / 2 + i];
          expected[base + i] = a * cos[at + i] - b * sin[at + i];
          expected[base + d / 2 + i] = b * cos[at + i] + a * sin[at + i];
        }
      }
      CpuKernels.rotateHalf(x, from, heads, d, cos, sin, at);
      for (int i = 0; i < x.length; i++) {
        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(x[i]),
            "element " + i + " of head dim " + d);
      }
    }
  }

  @Test
  void scaleByWeightIsTheScalarExpression() {
    float[] x = values(1031);
    float[] w = values(1024 + 3);
    float[] out = new float[x.length];
    CpuKernels.scaleByWeight(x, 4, 0.37f, w, out, 1024 + 3);
    for (int j = 0; j < 1024 + 3; j++) {
      assertEquals(Float.floatToRawIntBits(w[j] * (x[4 + j] * 0.37f)),
          Float.floatToRawIntBits(out[4 + j]), "element " + j);
    }
  }
}
