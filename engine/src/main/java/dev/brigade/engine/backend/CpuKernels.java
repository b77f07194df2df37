package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.Bf16;
import dev.brigade.engine.numeric.FloatCodec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD helpers for the per-row ops of {@link CpuBackend} (norms, attention); the matmul kernels
 * live in {@link dev.brigade.engine.backend.cpu.MatmulKernels}. They know nothing of the model.
 *
 * <p>Reduction order is fixed: lane j of the accumulator sums elements j, j+L, j+2L, ... with
 * fused multiply-adds in column order; the L lanes are then added one by one in lane order; the
 * columns past the last full vector are added after that, in order. It depends only on the row
 * length and the machine's vector width L, never on the batch, so results are bit-identical for
 * a row alone or in any batch. (lane sums are done by hand: reduceLanes does not promise an
 * order.)
 *
 * <p>KV values widen to f32 exactly: bf16 is the top half of an f32.
 */
final class CpuKernels {
  private CpuKernels() {}

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
      ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  /** The lanes of acc added one by one in lane order (reduceLanes promises no order). */
  static float sumLanes(FloatVector acc) {
    return sumLanes(acc, new float[L]);
  }

  /**
   * {@link #sumLanes(FloatVector)} through {@code lanes} (scratch of L floats): one store and
   * plain loads instead of extracting each lane from the register, which cost more than the
   * multiply-adds of a 128-wide attention dot product.
   */
  static float sumLanes(FloatVector acc, float[] lanes) {
    acc.intoArray(lanes, 0);
    return sumLanes(lanes, 0);
  }

  /** lanes[at, at + L) added one by one in lane order. */
  private static float sumLanes(float[] lanes, int at) {
    float sum = 0;
    for (int j = 0; j < L; j++) {
      sum += lanes[at + j];
    }
    return sum;
  }

  /**
   * src[from, from + n) as bf16 at element {@code e} of a segment of shorts, each value rounded
   * exactly as {@link dev.brigade.engine.numeric.Bf16#fromFloat} does (to nearest, ties to
   * even; NaN kept quiet with its sign).
   */
  static void storeBf16(float[] src, int from, MemorySegment seg, long e, int n) {
    int full = n - n % L;
    for (int i = 0; i < full; i += L) {
      IntVector bits = FloatVector.fromArray(F, src, from + i).reinterpretAsInts();
      IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF))
          .lanewise(VectorOperators.LSHR, 16);
      IntVector nan = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
      IntVector code = rounded.blend(nan, bits.and(0x7FFFFFFF).compare(VectorOperators.GT,
          0x7F800000));
      code.convertShape(VectorOperators.I2S, S, 0).reinterpretAsShorts()
          .intoMemorySegment(seg, (e + i) * 2, LE);
    }
    for (int i = full; i < n; i++) {
      seg.setAtIndex(HostWeight.SHORT, e + i, Bf16.fromFloat(src[from + i]));
    }
  }

  /** out[from + j] = w[j] * (x[from + j] * scale) for j < n, rounded as the scalar expression. */
  static void scaleByWeight(float[] x, int from, float scale, float[] w, float[] out, int n) {
    int full = n - n % L;
    FloatVector s = FloatVector.broadcast(F, scale);
    for (int j = 0; j < full; j += L) {
      FloatVector.fromArray(F, w, j).mul(FloatVector.fromArray(F, x, from + j).mul(s))
          .intoArray(out, from + j);
    }
    for (int j = full; j < n; j++) {
      out[from + j] = w[j] * (x[from + j] * scale);
    }
  }

  /**
   * Rotate-half RoPE of {@code heads} head vectors of d values from x[from]: with a = x[i] and
   * b = x[i + d/2], x[i] = a cos_i - b sin_i and x[i + d/2] = b cos_i + a sin_i, the angles at
   * cos[at + i], sin[at + i]. Products rounded separately, as the scalar expression.
   */
  static void rotateHalf(float[] x, int from, int heads, int d, float[] cos, float[] sin,
      int at) {
    int half = d / 2;
    int full = half - half % L;
    for (int h = 0; h < heads; h++) {
      int base = from + h * d;
      for (int i = 0; i < full; i += L) {
        FloatVector a = FloatVector.fromArray(F, x, base + i);
        FloatVector b = FloatVector.fromArray(F, x, base + half + i);
        FloatVector c = FloatVector.fromArray(F, cos, at + i);
        FloatVector s = FloatVector.fromArray(F, sin, at + i);
        a.mul(c).sub(b.mul(s)).intoArray(x, base + i);
        b.mul(c).add(a.mul(s)).intoArray(x, base + half + i);
      }
      for (int i = full; i < half; i++) {
        float a = x[base + i];
        float b = x[base + half + i];
        x[base + i] = a * cos[at + i] - b * sin[at + i];
        x[base + half + i] = b * cos[at + i] + a * sin[at + i];
      }
    }
  }

  /** Sum of squares of x[from, from + n) in the fixed lane order. */
  static float sumSquares(float[] x, int from, int n) {
    int full = n - n % L;
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < full; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, from + i);
      acc = v.fma(v, acc);
    }
    float sum = sumLanes(acc);
    for (int i = full; i < n; i++) {
      sum = Math.fma(x[from + i], x[from + i], sum);
    }
    return sum;
  }

  /**
   * Dot product of q[qFrom, +n) with n KV values at element {@code e} of a store segment;
   * lanes is scratch of L floats.
   */
  static float dotKv(float[] q, int qFrom, MemorySegment kv, long e, int n, boolean bf16,
      float[] lanes) {
    int full = n - n % L;
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < full; i += L) {
      acc = FloatVector.fromArray(F, q, qFrom + i).fma(loadKv(kv, e + i, bf16), acc);
    }
    return plusTail(sumLanes(acc, lanes), q, qFrom, kv, e, full, n, bf16);
  }

  /** sum plus q[qFrom + i] * kv[e + i] for the columns i in [full, n), one by one. */
  private static float plusTail(float sum, float[] q, int qFrom, MemorySegment kv, long e,
      int full, int n, boolean bf16) {
    for (int i = full; i < n; i++) {
      sum = Math.fma(q[qFrom + i], kvAt(kv, e + i, bf16), sum);
    }
    return sum;
  }

  /**
   * out[t + j] = {@link #dotKv} of q[qFrom, +n) with the KV row at element e[t + j], for j < 4,
   * in exactly its order. Four rows at a time because one dot product is a chain of dependent
   * multiply-adds and lane additions: four independent chains keep the core busy (a 128-wide
   * bf16 dot product took 27 ns alone). {@code lanes} is scratch of 4L floats.
   */
  static void dotKv4(float[] q, int qFrom, MemorySegment kv, long[] e, int t, int n,
      boolean bf16, float[] lanes, float[] out) {
    int full = n - n % L;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    long e0 = e[t];
    long e1 = e[t + 1];
    long e2 = e[t + 2];
    long e3 = e[t + 3];
    for (int i = 0; i < full; i += L) {
      FloatVector qv = FloatVector.fromArray(F, q, qFrom + i);
      a0 = qv.fma(loadKv(kv, e0 + i, bf16), a0);
      a1 = qv.fma(loadKv(kv, e1 + i, bf16), a1);
      a2 = qv.fma(loadKv(kv, e2 + i, bf16), a2);
      a3 = qv.fma(loadKv(kv, e3 + i, bf16), a3);
    }
    a0.intoArray(lanes, 0);
    a1.intoArray(lanes, L);
    a2.intoArray(lanes, 2 * L);
    a3.intoArray(lanes, 3 * L);
    for (int j = 0; j < 4; j++) {
      out[t + j] = plusTail(sumLanes(lanes, j * L), q, qFrom, kv, e[t + j], full, n, bf16);
    }
  }

  /**
   * out[outFrom, +n) = sum over t < count of p[t] * kv[e[t], +n): each element starts at zero
   * and takes the terms with fused multiply-adds in t order. The output stays in registers
   * across t, eight or four vectors at a time (storing and reloading it for every t was most of
   * attention's time; eight covers a 128-wide bf16 head row in one pass, so each t reads one
   * contiguous row).
   */
  static void weightedSum(float[] p, long[] e, int count, MemorySegment kv, int n, boolean bf16,
      float[] out, int outFrom) {
    int i = 0;
    for (; i + 8 * L <= n; i += 8 * L) {
      weightedSum8(p, e, count, kv, i, bf16, out, outFrom + i);
    }
    for (; i + 4 * L <= n; i += 4 * L) {
      weightedSum4(p, e, count, kv, i, bf16, out, outFrom + i);
    }
    for (; i + L <= n; i += L) {
      FloatVector a = FloatVector.zero(F);
      for (int t = 0; t < count; t++) {
        a = loadKv(kv, e[t] + i, bf16).fma(FloatVector.broadcast(F, p[t]), a);
      }
      a.intoArray(out, outFrom + i);
    }
    for (; i < n; i++) {
      float a = 0;
      for (int t = 0; t < count; t++) {
        a = Math.fma(kvAt(kv, e[t] + i, bf16), p[t], a);
      }
      out[outFrom + i] = a;
    }
  }

  /** {@link #weightedSum} of the eight vectors from element {@code at} of every row. */
  private static void weightedSum8(float[] p, long[] e, int count, MemorySegment kv, int at,
      boolean bf16, float[] out, int outFrom) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    for (int t = 0; t < count; t++) {
      FloatVector pv = FloatVector.broadcast(F, p[t]);
      long row = e[t] + at;
      a0 = loadKv(kv, row, bf16).fma(pv, a0);
      a1 = loadKv(kv, row + L, bf16).fma(pv, a1);
      a2 = loadKv(kv, row + 2 * L, bf16).fma(pv, a2);
      a3 = loadKv(kv, row + 3 * L, bf16).fma(pv, a3);
      a4 = loadKv(kv, row + 4 * L, bf16).fma(pv, a4);
      a5 = loadKv(kv, row + 5 * L, bf16).fma(pv, a5);
      a6 = loadKv(kv, row + 6 * L, bf16).fma(pv, a6);
      a7 = loadKv(kv, row + 7 * L, bf16).fma(pv, a7);
    }
    a0.intoArray(out, outFrom);
    a1.intoArray(out, outFrom + L);
    a2.intoArray(out, outFrom + 2 * L);
    a3.intoArray(out, outFrom + 3 * L);
    a4.intoArray(out, outFrom + 4 * L);
    a5.intoArray(out, outFrom + 5 * L);
    a6.intoArray(out, outFrom + 6 * L);
    a7.intoArray(out, outFrom + 7 * L);
  }

  /** {@link #weightedSum} of the four vectors from element {@code at} of every row. */
  private static void weightedSum4(float[] p, long[] e, int count, MemorySegment kv, int at,
      boolean bf16, float[] out, int outFrom) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int t = 0; t < count; t++) {
      FloatVector pv = FloatVector.broadcast(F, p[t]);
      long row = e[t] + at;
      a0 = loadKv(kv, row, bf16).fma(pv, a0);
      a1 = loadKv(kv, row + L, bf16).fma(pv, a1);
      a2 = loadKv(kv, row + 2 * L, bf16).fma(pv, a2);
      a3 = loadKv(kv, row + 3 * L, bf16).fma(pv, a3);
    }
    a0.intoArray(out, outFrom);
    a1.intoArray(out, outFrom + L);
    a2.intoArray(out, outFrom + 2 * L);
    a3.intoArray(out, outFrom + 3 * L);
  }

  private static FloatVector loadKv(MemorySegment kv, long e, boolean bf16) {
    if (!bf16) {
      return FloatVector.fromMemorySegment(F, kv, e * 4, LE);
    }
    return ((IntVector) ShortVector.fromMemorySegment(S, kv, e * 2, LE)
            .convertShape(VectorOperators.S2I, I, 0))
        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static float kvAt(MemorySegment kv, long e, boolean bf16) {
    return FloatCodec.get(kv, bf16 ? DType.BF16 : DType.F32, e);
  }
}
