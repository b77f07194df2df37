package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import dev.brigade.engine.numeric.FloatExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The CPU backend's uses of e^x - SwiGLU's silu(g) * u = g / (1 + e^-g) * u and attention's
 * softmax weights - with {@link FloatExp}'s float-only e^x, computed in vector lanes with
 * exactly its operations (the scalar tails call it), so the results are the same bits on every
 * machine (a sequence resumed on another node continues identically) and for every batch
 * layout. StrictMath.exp per element (software, one call each) took about 5% of a 0.6B decode
 * step in silu alone, and softmax calls it once per context position per head.
 */
public final class ExpKernels {
  private ExpKernels() {}

  /** o[i] = silu(g[i]) * u[i] for i in [from, to). */
  public static void siluMul(float[] g, float[] u, float[] o, int from, int to) {
    int i = from;
    for (int end = to - L; i <= end; i += L) {
      FloatVector x = FloatVector.fromArray(F, g, i);
      FloatVector e = exp(x.neg());
      x.div(e.add(1f)).mul(FloatVector.fromArray(F, u, i)).intoArray(o, i);
    }
    for (; i < to; i++) {
      float x = g[i];
      o[i] = x / (FloatExp.exp(-x) + 1f) * u[i];
    }
  }

  /** v[i] = e^(v[i] - shift) for i in [0, n): softmax's weights before they are normalised. */
  public static void expShifted(float[] v, int n, float shift) {
    int i = 0;
    for (int end = n - L; i <= end; i += L) {
      exp(FloatVector.fromArray(F, v, i).sub(shift)).intoArray(v, i);
    }
    for (; i < n; i++) {
      v[i] = FloatExp.exp(v[i] - shift);
    }
  }

  /** {@link FloatExp#exp} in every lane, the same operations in the same order. */
  static FloatVector exp(FloatVector x) {
    FloatVector t = x.mul(FloatExp.LOG2E);
    // Math.round(t) exactly: floor(t), plus one when the (exact) fraction is at least 1/2
    FloatVector f = (FloatVector) t.convert(VectorOperators.F2I, 0).convert(VectorOperators.I2F, 0);
    f = f.sub(1f, f.compare(VectorOperators.GT, t)); // truncation rounded negatives up
    FloatVector k = f.add(1f, t.sub(f).compare(VectorOperators.GE, 0.5f));
    FloatVector r = x.sub(k.mul(FloatExp.LN2_HI)).sub(k.mul(FloatExp.LN2_LO));
    FloatVector p = r.mul(1f / 720).add(1f / 120);
    p = r.mul(p).add(1f / 24);
    p = r.mul(p).add(1f / 6);
    p = r.mul(p).add(0.5f);
    p = r.mul(p).add(1f);
    p = r.mul(p).add(1f);
    IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127)
        .lanewise(VectorOperators.LSHL, 23);
    FloatVector e = p.mul(bits.reinterpretAsFloats());
    // FloatExp's range checks, in its order: NaN stays, above the largest is infinite, below the
    // smallest normal is zero
    e = e.blend(0f, x.compare(VectorOperators.LT, FloatExp.MIN_X));
    e = e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, FloatExp.MAX_X));
    return e.blend(x, x.compare(VectorOperators.NE, x));
  }
}
