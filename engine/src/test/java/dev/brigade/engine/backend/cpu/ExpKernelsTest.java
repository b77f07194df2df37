package dev.brigade.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.numeric.FloatExp;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class ExpKernelsTest {

  /** Inputs across the whole range, with the edges of the clamp and of rounding. */
  private static float[] inputs() {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] x = new float[64 * 1024];
    float[] edges = {0f, -0f, 1e-30f, -1e-30f, 0.34657f, -0.34657f, 0.5f / 1.44269504f,
        -0.5f / 1.44269504f, 1.5f / 1.44269504f, -1.5f / 1.44269504f, 0.49999997f / 1.44269504f,
        88.72f, 88.73f, 89f, 100f, -86f, -87.33f, -87.34f, -100f, Float.MAX_VALUE,
        -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
    System.arraycopy(edges, 0, x, 0, edges.length);
    for (int i = edges.length; i < x.length; i++) {
      x[i] = i % 2 == 0 ? (float) (rnd.nextDouble() * 180 - 90) : (float) (rnd.nextGaussian() * 4);
    }
    return x;
  }

  @Test
  void vectorLanesAndTheScalarFormGiveTheSameBits() {
    float[] x = inputs();
    float[] lanes = new float[Simd.L];
    for (int i = 0; i + Simd.L <= x.length; i += Simd.L) {
      ExpKernels.exp(FloatVector.fromArray(Simd.F, x, i)).intoArray(lanes, 0);
      for (int j = 0; j < Simd.L; j++) {
        assertEquals(Float.floatToRawIntBits(FloatExp.exp(x[i + j])),
            Float.floatToRawIntBits(lanes[j]), "exp(" + x[i + j] + ")");
      }
    }
  }

  @Test
  void theSharedExpIsWithinItsStatedErrorAndFlushesOutsideTheFloatRange() {
    for (float x : inputs()) {
      double exact = Math.exp(x);
      if (x < -87.33f || x > 88.3f || Float.isNaN(x)) {
        continue; // flushed below the smallest normal; the top and NaN are checked below
      }
      float got = FloatExp.exp(x);
      // FloatExp's stated relative error is about 2e-7 (2-4 ulps)
      assertTrue(Math.abs(got - exact) <= 2.5e-7 * exact,
          "exp(" + x + ") = " + got + ", exactly " + exact);
    }
    assertEquals(0f, FloatExp.exp(-88f));
    assertEquals(Float.POSITIVE_INFINITY, FloatExp.exp(88.73f));
    assertEquals(1f, FloatExp.exp(0f));
    assertTrue(Float.isNaN(FloatExp.exp(Float.NaN)));
  }

  @Test
  void softmaxExponentialsAreTheScalarOnesForEveryLength() {
    float[] scores = inputs();
    for (int n : new int[] {1, 15, 16, 17, 100, 1000}) {
      float[] v = java.util.Arrays.copyOf(scores, n);
      float shift = 3.5f;
      ExpKernels.expShifted(v, n, shift);
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToRawIntBits(FloatExp.exp(scores[i] - shift)),
            Float.floatToRawIntBits(v[i]), "n " + n + ", at " + i);
      }
    }
  }

  @Test
  void siluMulMatchesTheDoubleFormulaAndDoesNotDependOnTheRange() {
    float[] g = inputs();
    float[] u = new float[g.length];
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < u.length; i++) {
      u[i] = (float) rnd.nextGaussian();
    }
    float[] whole = new float[g.length];
    ExpKernels.siluMul(g, u, whole, 0, g.length);
    float[] pieces = new float[g.length];
    for (int from = 0; from < g.length; from += 37) { // odd cuts: lanes and tails fall elsewhere
      ExpKernels.siluMul(g, u, pieces, from, Math.min(g.length, from + 37));
    }
    for (int i = 0; i < g.length; i++) {
      assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(pieces[i]),
          "at " + i);
      if (Math.abs(g[i]) <= 80) {
        double exact = g[i] / (1 + Math.exp(-g[i])) * u[i];
        assertTrue(Math.abs(whole[i] - exact) <= 5e-7 * Math.abs(exact) + Float.MIN_NORMAL,
            "silu(" + g[i] + ") * " + u[i] + " = " + whole[i] + ", exactly " + exact);
      }
    }
  }
}
