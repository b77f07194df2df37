package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * BF16 weights times f32 activations, widened in registers: one load of L ints gives the even
 * columns of a group of 2L (low halves shifted up) and the odd ones (high halves masked), so
 * activations come permuted by {@link ColumnOrder} with 2 slots.
 *
 * <p>Reduction order of every (activation row, weight row) result, whichever kernel computes
 * it: accumulator 0 sums the even-slot products of the groups in turn and accumulator 1 the
 * odd-slot ones (fused multiply-adds), then the two are added lane by lane and the lanes
 * summed in the fixed tree of {@link Simd#sumLanes(float[], int)}, then the columns after the
 * last full group are added one by one. Nothing depends on the batch, the tile or the thread.
 *
 * <p>Tiles: decode (one activation row) runs four weight rows at once taken a quarter of the
 * range apart: four streams in four different pages keep more memory reads in flight than one
 * (measured 1.5-1.9x the single-row kernel's bandwidth on one core).
 *
 * <p>The loops count the byte offset in a long: with an int column counter and the offset
 * derived from it, C2 kept per-load checks in the loop, and a decode sweep over the 0.6B
 * shape's weights read at 0.82-0.85 of the probe's bandwidth instead of 0.91. Batches run two weight
 * rows by two activation rows, so each weight load feeds four products. 2x4 and 1x4 tiles, and
 * a 2x2 tile over weights widened to f32 first, were each measured slower here.
 */
final class Bf16Kernels {
  private Bf16Kernels() {}

  static final int SLOTS = 2;
  private static final int GROUP = 2 * L;
  private static final ValueLayout.OfShort BF16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(Simd.LE);
  /** Weight bytes kept hot while every activation row pair passes over them. */
  private static final long BLOCK_BYTES = 16 * 1024;

  /** out[r * w.rows() + o] for output rows [from, to), activations permuted for BF16. */
  static void range(WeightMatrix w, float[] xp, float[] out, int rows, int from, int to) {
    float[] lanes = new float[4 * L];
    if (rows == 1) {
      int quarter = (to - from) / 4;
      for (int k = 0; k < quarter; k++) {
        tile4x1(w, from + k, quarter, xp, out, lanes);
      }
      for (int o = from + 4 * quarter; o < to; o++) {
        out[o] = one(w, o, xp, 0, lanes);
      }
      return;
    }
    int outDim = w.rows();
    int cols = w.cols();
    int block = (int) Math.max(2, BLOCK_BYTES / Math.max(1, w.rowBytes()));
    for (int o0 = from; o0 < to; o0 += block) {
      int o1 = Math.min(to, o0 + block);
      int r = 0;
      for (; r + 2 <= rows; r += 2) {
        int o = o0;
        for (; o + 2 <= o1; o += 2) {
          tile2x2(w, o, xp, r * cols, out, r * outDim + o, outDim, lanes);
        }
        if (o < o1) {
          out[r * outDim + o] = one(w, o, xp, r * cols, lanes);
          out[(r + 1) * outDim + o] = one(w, o, xp, (r + 1) * cols, lanes);
        }
      }
      if (r < rows) {
        for (int o = o0; o < o1; o++) {
          out[r * outDim + o] = one(w, o, xp, r * cols, lanes);
        }
      }
    }
  }

  /** Weight row o with the activation row at xp[x0]. */
  private static float one(WeightMatrix w, int o, float[] xp, int x0, float[] lanes) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * w.rowBytes();
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    long fullBytes = 2L * (cols - cols % GROUP);
    int i = 0;
    for (long at = 0; at < fullBytes; at += 2L * GROUP, i += GROUP) {
      IntVector v = Simd.ints(seg, row + at);
      a0 = Simd.bf16Even(v).fma(FloatVector.fromArray(F, xp, x0 + i), a0);
      a1 = Simd.bf16Odd(v).fma(FloatVector.fromArray(F, xp, x0 + i + L), a1);
    }
    a0.add(a1).intoArray(lanes, 0);
    return finish(seg, row, cols, xp, x0, lanes, 0);
  }

  /** Weight rows o, o + d, o + 2d, o + 3d with the single activation row. */
  private static void tile4x1(WeightMatrix w, int o, int d, float[] xp, float[] out,
      float[] lanes) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long r0 = (long) o * w.rowBytes();
    long step = (long) d * w.rowBytes();
    long r1 = r0 + step;
    long r2 = r1 + step;
    long r3 = r2 + step;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector c0 = a0;
    FloatVector c1 = a0;
    FloatVector e0 = a0;
    FloatVector e1 = a0;
    long fullBytes = 2L * (cols - cols % GROUP);
    int i = 0;
    for (long at = 0; at < fullBytes; at += 2L * GROUP, i += GROUP) {
      FloatVector xe = FloatVector.fromArray(F, xp, i);
      FloatVector xo = FloatVector.fromArray(F, xp, i + L);
      IntVector v0 = Simd.ints(seg, r0 + at);
      IntVector v1 = Simd.ints(seg, r1 + at);
      IntVector v2 = Simd.ints(seg, r2 + at);
      IntVector v3 = Simd.ints(seg, r3 + at);
      a0 = Simd.bf16Even(v0).fma(xe, a0);
      a1 = Simd.bf16Odd(v0).fma(xo, a1);
      b0 = Simd.bf16Even(v1).fma(xe, b0);
      b1 = Simd.bf16Odd(v1).fma(xo, b1);
      c0 = Simd.bf16Even(v2).fma(xe, c0);
      c1 = Simd.bf16Odd(v2).fma(xo, c1);
      e0 = Simd.bf16Even(v3).fma(xe, e0);
      e1 = Simd.bf16Odd(v3).fma(xo, e1);
    }
    a0.add(a1).intoArray(lanes, 0);
    b0.add(b1).intoArray(lanes, L);
    c0.add(c1).intoArray(lanes, 2 * L);
    e0.add(e1).intoArray(lanes, 3 * L);
    out[o] = finish(seg, r0, cols, xp, 0, lanes, 0);
    out[o + d] = finish(seg, r1, cols, xp, 0, lanes, L);
    out[o + 2 * d] = finish(seg, r2, cols, xp, 0, lanes, 2 * L);
    out[o + 3 * d] = finish(seg, r3, cols, xp, 0, lanes, 3 * L);
  }

  /**
   * Weight rows o, o + 1 with the activation rows at xp[x0] and xp[x0 + cols]; results at
   * out[at], out[at + 1] (first activation row) and out[at + stride], out[at + stride + 1].
   */
  private static void tile2x2(WeightMatrix w, int o, float[] xp, int x0, float[] out, int at,
      int stride, float[] lanes) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    int x1 = x0 + cols;
    long r0 = (long) o * w.rowBytes();
    long r1 = r0 + w.rowBytes();
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector c0 = a0;
    FloatVector c1 = a0;
    FloatVector e0 = a0;
    FloatVector e1 = a0;
    long fullBytes = 2L * (cols - cols % GROUP);
    int i = 0;
    for (long off = 0; off < fullBytes; off += 2L * GROUP, i += GROUP) {
      FloatVector xe0 = FloatVector.fromArray(F, xp, x0 + i);
      FloatVector xo0 = FloatVector.fromArray(F, xp, x0 + i + L);
      FloatVector xe1 = FloatVector.fromArray(F, xp, x1 + i);
      FloatVector xo1 = FloatVector.fromArray(F, xp, x1 + i + L);
      IntVector v = Simd.ints(seg, r0 + off);
      FloatVector even = Simd.bf16Even(v);
      FloatVector odd = Simd.bf16Odd(v);
      a0 = even.fma(xe0, a0);
      a1 = odd.fma(xo0, a1);
      c0 = even.fma(xe1, c0);
      c1 = odd.fma(xo1, c1);
      IntVector u = Simd.ints(seg, r1 + off);
      even = Simd.bf16Even(u);
      odd = Simd.bf16Odd(u);
      b0 = even.fma(xe0, b0);
      b1 = odd.fma(xo0, b1);
      e0 = even.fma(xe1, e0);
      e1 = odd.fma(xo1, e1);
    }
    a0.add(a1).intoArray(lanes, 0);
    b0.add(b1).intoArray(lanes, L);
    c0.add(c1).intoArray(lanes, 2 * L);
    e0.add(e1).intoArray(lanes, 3 * L);
    out[at] = finish(seg, r0, cols, xp, x0, lanes, 0);
    out[at + 1] = finish(seg, r1, cols, xp, x0, lanes, L);
    out[at + stride] = finish(seg, r0, cols, xp, x1, lanes, 2 * L);
    out[at + stride + 1] = finish(seg, r1, cols, xp, x1, lanes, 3 * L);
  }

  /**
   * The result whose two accumulators were added into lanes[at, at + L): the lanes summed,
   * then the columns after the last full group of the weight row at byte {@code row}, one by
   * one. Scalar and separate from the tiles, which keeps each tile small enough for C2 to
   * compile all of its vector operations inline.
   */
  private static float finish(MemorySegment seg, long row, int cols, float[] xp, int x0,
      float[] lanes, int at) {
    float sum = Simd.sumLanes(lanes, at);
    for (int i = cols - cols % GROUP; i < cols; i++) {
      float w = Float.intBitsToFloat(seg.get(BF16, row + 2L * i) << 16);
      sum = Math.fma(w, xp[x0 + i], sum);
    }
    return sum;
  }
}
