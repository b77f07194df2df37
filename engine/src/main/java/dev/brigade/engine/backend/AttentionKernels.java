package dev.brigade.engine.backend;

import static dev.brigade.engine.backend.CpuKernels.F;
import static dev.brigade.engine.backend.CpuKernels.I;
import static dev.brigade.engine.backend.CpuKernels.L;
import static dev.brigade.engine.backend.CpuKernels.S;

import dev.brigade.engine.backend.cpu.ExpKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Attention's inner loops on the CPU over a {@link HostKvStore}: the scores of query heads
 * against a sequence's keys, and the sums of its values weighted by the softmax of those scores.
 * Two query heads of one KV head go together (grouped-query attention), so each key and value
 * is read and widened once for both.
 *
 * <p>Layout of a BF16 head vector of d elements: whole chunks of 2L elements store element j of
 * the chunk beside element j + L, the pair in one int, so one load widens with one operation
 * into each of the chunk's two f32 vectors (elements [0, L) and [L, 2L), in order); the
 * elements after the last whole chunk are stored in order. F32 head vectors are in order.
 *
 * <p>Reduction order of a score (q . k over d elements): lane j of an accumulator takes
 * elements j, j + L, j + 2L, ... of every whole vector with fused multiply-adds in order from
 * +0; the L lanes are then summed pairwise (neighbours, then neighbouring pairs, ...); the
 * elements after the last whole vector follow one by one, in order. A weighted sum: each output
 * element takes p[t] * v_t[i] with fused multiply-adds in t order from +0. Both depend only on
 * d and L, never on the other head, the batch or the thread.
 */
final class AttentionKernels {
  private AttentionKernels() {}

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  /** Elements in a chunk of paired BF16 storage. */
  static final int CHUNK = 2 * L;
  /** Keys scored together. */
  static final int KEYS = 4;

  // Lane k and lane k ^ w swapped, for w = 1, 2, 4, 8; and the lanes k with k & w != 0.
  private static final VectorShuffle<Float> SWAP1 = swap(1);
  private static final VectorShuffle<Float> SWAP2 = swap(2);
  private static final VectorShuffle<Float> SWAP4 = swap(4);
  private static final VectorShuffle<Float> SWAP8 = swap(8);
  private static final VectorMask<Float> UPPER1 = upper(1);
  private static final VectorMask<Float> UPPER2 = upper(2);
  private static final VectorMask<Float> UPPER4 = upper(4);

  /** Whether the pairwise lane sums run as vector operations (L of 8 or 16). */
  private static final boolean VECTOR_SUMS = L == 8 || L == 16;

  private static VectorShuffle<Float> swap(int w) {
    return VectorShuffle.fromOp(F, k -> (k ^ w) & (L - 1));
  }

  private static VectorMask<Float> upper(int w) {
    boolean[] bits = new boolean[L];
    for (int k = 0; k < L; k++) {
      bits[k] = (k & w) != 0;
    }
    return VectorMask.fromArray(F, bits, 0);
  }

  /** Elements of a d-element head vector that sit in whole paired chunks. */
  static int paired(int d) {
    return d - d % CHUNK;
  }

  /** Where element i of a d-element BF16 head vector is stored, from the vector's start. */
  static int position(int i, int d) {
    if (i >= paired(d)) {
      return i;
    }
    int j = i % CHUNK;
    return i - j + (j < L ? 2 * j : 2 * (j - L) + 1);
  }

  /** src[from, from + d) as one BF16 head vector at element e of seg, rounded to nearest even. */
  static void storeHead(float[] src, int from, MemorySegment seg, long e, int d) {
    int pairs = paired(d);
    for (int i = 0; i < pairs; i += CHUNK) {
      IntVector low = CpuKernels.bf16Codes(FloatVector.fromArray(F, src, from + i));
      IntVector high = CpuKernels.bf16Codes(FloatVector.fromArray(F, src, from + i + L));
      low.or(high.lanewise(VectorOperators.LSHL, 16)).intoMemorySegment(seg, (e + i) * 2, LE);
    }
    CpuKernels.storeBf16(src, from + pairs, seg, e + pairs, d - pairs);
  }

  /** Floats of the scratch array {@link #scores} takes: one accumulator per key and head. */
  static final int SCRATCH = 2 * KEYS * L;

  /**
   * Scores of keys e[t, t + KEYS) (fewer where count ends first: the last key stands in for the
   * missing ones) against the query heads at q[q0] and q[q1]: into s0[t + k] and s1[t + k].
   * {@code acc} is scratch of {@link #SCRATCH} floats.
   *
   * <p>The work is split over methods that pass the accumulators through acc: in one method,
   * the Vector API's nodes exceed C2's inlining cutoff and the vectors are boxed (measured 20x
   * slower).
   */
  static void scores(float[] q, int q0, int q1, MemorySegment kv, long[] e, int t, int count,
      int d, boolean bf16, float[] s0, float[] s1, float[] acc) {
    long e0 = e[t];
    long e1 = e[Math.min(t + 1, count - 1)];
    long e2 = e[Math.min(t + 2, count - 1)];
    long e3 = e[Math.min(t + 3, count - 1)];
    pairedChunks(q, q0, q1, kv, e0, e1, e2, e3, d, bf16, acc);
    int pairs = paired(d);
    if (d - pairs >= L) {
      plainVector(q, q0 + pairs, q1 + pairs, kv, e0 + pairs, e1 + pairs, e2 + pairs,
          e3 + pairs, bf16, acc);
    }
    if (VECTOR_SUMS) {
      vectorLaneSums(acc);
    } else {
      for (int j = 0; j < 2 * KEYS; j++) {
        acc[j] = laneSum(acc, j * L);
      }
    }
    int keys = Math.min(KEYS, count - t);
    for (int k = 0; k < keys; k++) { // at most four: cheaper than two arraycopy calls
      s0[t + k] = acc[k];
      s1[t + k] = acc[KEYS + k];
    }
    int full = d - d % L;
    if (full < d) {
      for (int k = 0; k < keys; k++) {
        s0[t + k] = tail(s0[t + k], q, q0, kv, e[t + k], full, d, bf16);
        s1[t + k] = tail(s1[t + k], q, q1, kv, e[t + k], full, d, bf16);
      }
    }
  }

  /**
   * The accumulators over the paired chunks of keys at e0..e3, into acc: key k with head 0 at
   * acc[k L], with head 1 at acc[(KEYS + k) L].
   */
  private static void pairedChunks(float[] q, int q0, int q1, MemorySegment kv, long e0,
      long e1, long e2, long e3, int d, boolean bf16, float[] acc) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    int pairs = paired(d);
    for (int i = 0; i < pairs; i += CHUNK) {
      FloatVector x0 = FloatVector.fromArray(F, q, q0 + i);
      FloatVector y0 = FloatVector.fromArray(F, q, q0 + i + L);
      FloatVector x1 = FloatVector.fromArray(F, q, q1 + i);
      FloatVector y1 = FloatVector.fromArray(F, q, q1 + i + L);
      FloatVector lo = low(kv, e0 + i, bf16);
      FloatVector hi = high(kv, e0 + i, bf16);
      a0 = y0.fma(hi, x0.fma(lo, a0));
      b0 = y1.fma(hi, x1.fma(lo, b0));
      lo = low(kv, e1 + i, bf16);
      hi = high(kv, e1 + i, bf16);
      a1 = y0.fma(hi, x0.fma(lo, a1));
      b1 = y1.fma(hi, x1.fma(lo, b1));
      lo = low(kv, e2 + i, bf16);
      hi = high(kv, e2 + i, bf16);
      a2 = y0.fma(hi, x0.fma(lo, a2));
      b2 = y1.fma(hi, x1.fma(lo, b2));
      lo = low(kv, e3 + i, bf16);
      hi = high(kv, e3 + i, bf16);
      a3 = y0.fma(hi, x0.fma(lo, a3));
      b3 = y1.fma(hi, x1.fma(lo, b3));
    }
    a0.intoArray(acc, 0);
    a1.intoArray(acc, L);
    a2.intoArray(acc, 2 * L);
    a3.intoArray(acc, 3 * L);
    b0.intoArray(acc, 4 * L);
    b1.intoArray(acc, 5 * L);
    b2.intoArray(acc, 6 * L);
    b3.intoArray(acc, 7 * L);
  }

  /** The accumulators in acc take the vector stored in order after the paired chunks. */
  private static void plainVector(float[] q, int q0, int q1, MemorySegment kv, long e0, long e1,
      long e2, long e3, boolean bf16, float[] acc) {
    FloatVector x0 = FloatVector.fromArray(F, q, q0);
    FloatVector x1 = FloatVector.fromArray(F, q, q1);
    long[] keys = {e0, e1, e2, e3};
    for (int k = 0; k < KEYS; k++) {
      FloatVector v = plain(kv, keys[k], bf16);
      x0.fma(v, FloatVector.fromArray(F, acc, k * L)).intoArray(acc, k * L);
      x1.fma(v, FloatVector.fromArray(F, acc, (KEYS + k) * L))
          .intoArray(acc, (KEYS + k) * L);
    }
  }

  /** acc[j] = the pairwise lane sum of accumulator j (at acc[j L]), for j < 2 KEYS. */
  private static void vectorLaneSums(float[] acc) {
    FloatVector a0 = FloatVector.fromArray(F, acc, 0);
    FloatVector a1 = FloatVector.fromArray(F, acc, L);
    FloatVector a2 = FloatVector.fromArray(F, acc, 2 * L);
    FloatVector a3 = FloatVector.fromArray(F, acc, 3 * L);
    FloatVector b0 = FloatVector.fromArray(F, acc, 4 * L);
    FloatVector b1 = FloatVector.fromArray(F, acc, 5 * L);
    FloatVector b2 = FloatVector.fromArray(F, acc, 6 * L);
    FloatVector b3 = FloatVector.fromArray(F, acc, 7 * L);
    // neighbours, then neighbouring pairs, ...: after level w, lane k holds a sum of
    // accumulator k & (2w - 1)
    FloatVector a = level(level(a0, a1, SWAP1, UPPER1), level(a2, a3, SWAP1, UPPER1), SWAP2,
        UPPER2);
    FloatVector b = level(level(b0, b1, SWAP1, UPPER1), level(b2, b3, SWAP1, UPPER1), SWAP2,
        UPPER2);
    FloatVector sums = level(a, b, SWAP4, UPPER4); // L = 8: the eight sums
    if (L == 16) {
      sums = sums.add(sums.rearrange(SWAP8));
    }
    sums.intoArray(acc, 0);
  }

  /** s[0, n) scaled, then their softmax in fp32: e^(s - max) over their sum, taken in order. */
  static void softmax(float[] s, int n, float scale) {
    // Vectorising the scaling, the maximum and the division measured no faster here.
    float max = Float.NEGATIVE_INFINITY;
    for (int t = 0; t < n; t++) {
      s[t] *= scale;
      max = Math.max(max, s[t]);
    }
    ExpKernels.expShifted(s, n, max);
    float sum = 0;
    for (int t = 0; t < n; t++) {
      sum += s[t];
    }
    for (int t = 0; t < n; t++) {
      s[t] = s[t] / sum;
    }
  }

  /**
   * out[o0, +d) and out[o1, +d) = the sums over t < count of p0[t] v_t and p1[t] v_t, v_t the
   * value vector at element e[t].
   */
  static void weightedSums(float[] p0, float[] p1, long[] e, int count, MemorySegment kv, int d,
      boolean bf16, float[] out, int o0, int o1) {
    int pairs = paired(d);
    int i = 0;
    for (; i + 4 * CHUNK <= pairs; i += 4 * CHUNK) {
      weightedSums4(p0, p1, e, count, kv, i, bf16, out, o0 + i, o1 + i);
    }
    for (; i < pairs; i += CHUNK) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      for (int t = 0; t < count; t++) {
        FloatVector pv = FloatVector.broadcast(F, p0[t]);
        FloatVector pw = FloatVector.broadcast(F, p1[t]);
        FloatVector lo = low(kv, e[t] + i, bf16);
        FloatVector hi = high(kv, e[t] + i, bf16);
        a0 = lo.fma(pv, a0);
        a1 = hi.fma(pv, a1);
        b0 = lo.fma(pw, b0);
        b1 = hi.fma(pw, b1);
      }
      a0.intoArray(out, o0 + i);
      a1.intoArray(out, o0 + i + L);
      b0.intoArray(out, o1 + i);
      b1.intoArray(out, o1 + i + L);
    }
    if (d - i >= L) {
      FloatVector a = FloatVector.zero(F);
      FloatVector b = a;
      for (int t = 0; t < count; t++) {
        FloatVector v = plain(kv, e[t] + i, bf16);
        a = v.fma(FloatVector.broadcast(F, p0[t]), a);
        b = v.fma(FloatVector.broadcast(F, p1[t]), b);
      }
      a.intoArray(out, o0 + i);
      b.intoArray(out, o1 + i);
      i += L;
    }
    for (; i < d; i++) {
      float a = 0;
      float b = 0;
      for (int t = 0; t < count; t++) {
        float v = element(kv, e[t] + i, bf16);
        a = Math.fma(v, p0[t], a);
        b = Math.fma(v, p1[t], b);
      }
      out[o0 + i] = a;
      out[o1 + i] = b;
    }
  }

  /**
   * {@link #weightedSums} of the four paired chunks from element {@code at}: sixteen vectors
   * stay in registers across t (a 128-wide head at L = 16), each value row read once.
   */
  private static void weightedSums4(float[] p0, float[] p1, long[] e, int count,
      MemorySegment kv, int at, boolean bf16, float[] out, int o0, int o1) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    FloatVector b4 = a0;
    FloatVector b5 = a0;
    FloatVector b6 = a0;
    FloatVector b7 = a0;
    for (int t = 0; t < count; t++) {
      FloatVector pv = FloatVector.broadcast(F, p0[t]);
      FloatVector pw = FloatVector.broadcast(F, p1[t]);
      long row = e[t] + at;
      FloatVector lo = low(kv, row, bf16);
      FloatVector hi = high(kv, row, bf16);
      a0 = lo.fma(pv, a0);
      a1 = hi.fma(pv, a1);
      b0 = lo.fma(pw, b0);
      b1 = hi.fma(pw, b1);
      lo = low(kv, row + CHUNK, bf16);
      hi = high(kv, row + CHUNK, bf16);
      a2 = lo.fma(pv, a2);
      a3 = hi.fma(pv, a3);
      b2 = lo.fma(pw, b2);
      b3 = hi.fma(pw, b3);
      lo = low(kv, row + 2 * CHUNK, bf16);
      hi = high(kv, row + 2 * CHUNK, bf16);
      a4 = lo.fma(pv, a4);
      a5 = hi.fma(pv, a5);
      b4 = lo.fma(pw, b4);
      b5 = hi.fma(pw, b5);
      lo = low(kv, row + 3 * CHUNK, bf16);
      hi = high(kv, row + 3 * CHUNK, bf16);
      a6 = lo.fma(pv, a6);
      a7 = hi.fma(pv, a7);
      b6 = lo.fma(pw, b6);
      b7 = hi.fma(pw, b7);
    }
    a0.intoArray(out, o0);
    a1.intoArray(out, o0 + L);
    a2.intoArray(out, o0 + 2 * L);
    a3.intoArray(out, o0 + 3 * L);
    a4.intoArray(out, o0 + 4 * L);
    a5.intoArray(out, o0 + 5 * L);
    a6.intoArray(out, o0 + 6 * L);
    a7.intoArray(out, o0 + 7 * L);
    b0.intoArray(out, o1);
    b1.intoArray(out, o1 + L);
    b2.intoArray(out, o1 + 2 * L);
    b3.intoArray(out, o1 + 3 * L);
    b4.intoArray(out, o1 + 4 * L);
    b5.intoArray(out, o1 + 5 * L);
    b6.intoArray(out, o1 + 6 * L);
    b7.intoArray(out, o1 + 7 * L);
  }

  /**
   * One level of pairwise lane sums of two vectors, merged: lane k is x[k] + x[k ^ w], x being
   * a where k & w is 0 and b elsewhere (the lower lane first; addition commutes, so the other
   * lane of the pair holds the same sum).
   */
  private static FloatVector level(FloatVector a, FloatVector b, VectorShuffle<Float> swap,
      VectorMask<Float> upper) {
    return a.add(a.rearrange(swap)).blend(b.add(b.rearrange(swap)), upper);
  }

  /** The pairwise sum of the L floats at acc[at], level by level as {@link #level} (in place). */
  private static float laneSum(float[] acc, int at) {
    for (int width = L; width > 1; width /= 2) {
      for (int k = 0; k < width / 2; k++) {
        acc[at + k] = acc[at + 2 * k] + acc[at + 2 * k + 1];
      }
    }
    return acc[at];
  }

  /** sum plus q[q0 + i] * kv[key + i] for i in [full, d), one by one. */
  private static float tail(float sum, float[] q, int q0, MemorySegment kv, long key, int full,
      int d, boolean bf16) {
    for (int i = full; i < d; i++) {
      sum = Math.fma(q[q0 + i], element(kv, key + i, bf16), sum);
    }
    return sum;
  }

  // The loads below are split into methods under C2's 35-byte limit for inlining a call that
  // is not hot: the scores kernel runs its loop only d / 2L times per call, and a load left as
  // a call boxes its vector (measured 20x slower).

  /** Elements [0, L) of the paired chunk at element e (f32: the vector at e). */
  private static FloatVector low(MemorySegment kv, long e, boolean bf16) {
    return bf16 ? lowBf16(kv, e) : f32(kv, e);
  }

  /** Elements [L, 2L) of the paired chunk at element e (f32: the vector at e + L). */
  private static FloatVector high(MemorySegment kv, long e, boolean bf16) {
    return bf16 ? highBf16(kv, e) : f32(kv, e + L);
  }

  /** L elements stored in order from element e. */
  private static FloatVector plain(MemorySegment kv, long e, boolean bf16) {
    return bf16 ? plainBf16(kv, e) : f32(kv, e);
  }

  private static FloatVector lowBf16(MemorySegment kv, long e) {
    return pairs(kv, e).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static FloatVector highBf16(MemorySegment kv, long e) {
    return pairs(kv, e).and(0xFFFF0000).reinterpretAsFloats();
  }

  private static IntVector pairs(MemorySegment kv, long e) {
    return IntVector.fromMemorySegment(I, kv, e * 2, LE);
  }

  private static FloatVector plainBf16(MemorySegment kv, long e) {
    IntVector codes = (IntVector) ShortVector.fromMemorySegment(S, kv, e * 2, LE)
        .convertShape(VectorOperators.S2I, I, 0);
    return codes.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static FloatVector f32(MemorySegment kv, long e) {
    return FloatVector.fromMemorySegment(F, kv, e * 4, LE);
  }

  /** The element stored at e (past the paired chunks, where storage is in order). */
  private static float element(MemorySegment kv, long e, boolean bf16) {
    return bf16
        ? Float.intBitsToFloat(kv.getAtIndex(HostWeight.SHORT, e) << 16)
        : kv.getAtIndex(HostWeight.FLOAT, e);
  }
}
