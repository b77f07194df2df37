package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The CPU backend's uses of e^x - SwiGLU's silu(g) * u = g / (1 + e^-g) * u and attention's
 * softmax weights - with e^x computed from float multiply-adds, the same operations in the
 * vector lanes and in the scalar tail. StrictMath.exp per element (software, one call each)
 * took about 5% of a 0.6B decode step in silu alone, and softmax calls it once per context
 * position per head. Every operation is IEEE float arithmetic or a fused multiply-add, which
 * Java defines exactly, so the results are the same bits on every machine (a sequence resumed
 * on another node continues identically) and for every batch layout.
 *
 * <p>e^x: x clamped to [-86, 89] (e^-86 is still a normal float; from 88.73 up the result is
 * infinite, as a float e^x is), n = x log2(e) rounded half away from zero, r = x - n ln2 in two
 * fused steps (|r| <= ln2/2), e^r by its Taylor polynomial to degree 7 (truncation under 2^-26
 * relative), times 2^(n-1) built from the exponent bits, times 2 (so n = 128 still works).
 * Within about 1 ulp of the true value; below -86, where e^x is under 2^-124, it returns e^-86.
 */
public final class ExpKernels {
  private ExpKernels() {}

  private static final float LOG2E = 1.44269504f;
  /** ln 2 split so that n * LN2_HI is exact for the n that occur. */
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float MIN_X = -86f;
  private static final float MAX_X = 89f;
  private static final float C2 = 1 / 2f;
  private static final float C3 = 1 / 6f;
  private static final float C4 = 1 / 24f;
  private static final float C5 = 1 / 120f;
  private static final float C6 = 1 / 720f;
  private static final float C7 = 1 / 5040f;

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
      o[i] = x / (exp(-x) + 1f) * u[i];
    }
  }

  /** v[i] = e^(v[i] - shift) for i in [0, n): softmax's weights before they are normalised. */
  public static void expShifted(float[] v, int n, float shift) {
    int i = 0;
    for (int end = n - L; i <= end; i += L) {
      exp(FloatVector.fromArray(F, v, i).sub(shift)).intoArray(v, i);
    }
    for (; i < n; i++) {
      v[i] = exp(v[i] - shift);
    }
  }

  /** e^x, the lanes' operations exactly as in {@link #exp(float)}. */
  static FloatVector exp(FloatVector x) {
    x = x.max(MIN_X).min(MAX_X);
    FloatVector t = x.mul(LOG2E);
    // t + copysign(0.5, t), then truncation: rounds half away from zero
    IntVector half = t.reinterpretAsInts().and(0x80000000).or(Float.floatToRawIntBits(0.5f));
    IntVector n = (IntVector) t.add(half.reinterpretAsFloats()).convert(VectorOperators.F2I, 0);
    FloatVector minusN = ((FloatVector) n.convert(VectorOperators.I2F, 0)).neg();
    FloatVector r = minusN.fma(FloatVector.broadcast(F, LN2_HI), x);
    r = minusN.fma(FloatVector.broadcast(F, LN2_LO), r);
    FloatVector p = r.fma(C7, C6);
    p = p.fma(r, FloatVector.broadcast(F, C5));
    p = p.fma(r, FloatVector.broadcast(F, C4));
    p = p.fma(r, FloatVector.broadcast(F, C3));
    p = p.fma(r, FloatVector.broadcast(F, C2));
    p = p.fma(r, FloatVector.broadcast(F, 1f));
    p = p.fma(r, FloatVector.broadcast(F, 1f));
    FloatVector scale = n.add(126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scale).mul(2f);
  }

  /** e^x for one value, the same operations as each lane of {@link #exp(FloatVector)}. */
  static float exp(float x) {
    x = Math.min(Math.max(x, MIN_X), MAX_X);
    float t = x * LOG2E;
    int n = (int) (t + Math.copySign(0.5f, t));
    float minusN = -(float) n;
    float r = Math.fma(minusN, LN2_HI, x);
    r = Math.fma(minusN, LN2_LO, r);
    float p = Math.fma(r, C7, C6);
    p = Math.fma(p, r, C5);
    p = Math.fma(p, r, C4);
    p = Math.fma(p, r, C3);
    p = Math.fma(p, r, C2);
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    return p * Float.intBitsToFloat((n + 126) << 23) * 2f;
  }
}
