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
 * <p>Batches run over blocks of weight rows small enough to stay in cache while every
 * activation row passes. Decode batches (up to {@link #MAX_ROWS_FOR_2X4} rows) use tiles of two
 * weight rows by four activation rows, eight products per weight load; their first pass over a
 * block would wait on memory with only two streams in flight, so the tiles also read the next
 * block ahead (one int per 64 bytes). On the 0.6B shape's weights at batch 8 this took a sweep
 * from 163-236 ms (2x2 tiles) to 132-171 ms (150 ms without the read-ahead). Prefill chunks
 * reuse each cached block for many activation rows, and there two by two measured 8-15% faster
 * (256 rows) than the 2x4 tiles. A 1x4 tile, and a 2x2 tile over weights widened to f32 first,
 * were measured slower.
 *
 * <p>The loops count the byte offset in a long: with an int column counter and the offset
 * derived from it, C2 kept per-load checks in the loop, and a decode sweep over the 0.6B
 * shape's weights read at 0.82-0.85 of the probe's bandwidth instead of 0.91.
 */
final class Bf16Kernels {
  private Bf16Kernels() {}

  static final int SLOTS = 2;
  private static final int GROUP = 2 * L;
  private static final ValueLayout.OfShort BF16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(Simd.LE);
  /**
   * Batches up to this many rows use the 2x4 tiles with read-ahead; larger ones (prefill
   * chunks) pass over each cached block many times, where the 2x2 tile measured faster.
   */
  private static final int MAX_ROWS_FOR_2X4 = 32;
  /** Weight bytes kept hot while every activation row pair passes over them. */
  private static final long BLOCK_BYTES = 16 * 1024;

  /** out[r * w.rows() + o] for output rows [from, to), activations permuted for BF16. */
  static void range(WeightMatrix w, float[] xp, float[] out, int rows, int from, int to) {
    float[] lanes = new float[8 * L];
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
    long rowBytes = w.rowBytes();
    int block = (int) Math.max(2, BLOCK_BYTES / Math.max(1, rowBytes));
    long touched = 0;
    for (int o0 = from; o0 < to; o0 += block) {
      int o1 = Math.min(to, o0 + block);
      long next = (long) o1 * rowBytes;
      long nextEnd = (long) Math.min(to, o1 + block) * rowBytes;
      int tile = 0;
      int r = 0;
      for (; rows <= MAX_ROWS_FOR_2X4 && r + 4 <= rows; r += 4) {
        int o = o0;
        for (; o + 2 <= o1; o += 2, tile++) {
          long ahead = next + tile * rowBytes;
          touched += tile2x4(w, o, xp, r * cols, out, r * outDim + o, outDim, lanes,
              ahead + rowBytes <= nextEnd ? ahead : (long) o * rowBytes);
        }
        for (; o < o1; o++) {
          for (int k = 0; k < 4; k++) {
            out[(r + k) * outDim + o] = one(w, o, xp, (r + k) * cols, lanes);
          }
        }
      }
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
    readAheadSink = touched;
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
   * Where the read-ahead loads' sum goes: a field write keeps C2 from dropping the loads. Its
   * value means nothing; threads overwrite it freely.
   */
  @SuppressWarnings("unused")
  private static long readAheadSink;

  /**
   * Weight rows o, o + 1 with the four activation rows from xp[x0] (cols apart); the result of
   * activation row k and weight row o + j at out[at + k * stride + j]. Each iteration also
   * loads one int of the 64 bytes at {@code ahead + offset}: a plain read of the next weight
   * block while this one is multiplied, since Java has no prefetch instruction. Returns the
   * sum of those ints.
   */
  private static long tile2x4(WeightMatrix w, int o, float[] xp, int x0, float[] out, int at,
      int stride, float[] lanes, long ahead) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    int x1 = x0 + cols;
    int x2 = x1 + cols;
    int x3 = x2 + cols;
    long r0 = (long) o * w.rowBytes();
    long r1 = r0 + w.rowBytes();
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector c0 = a0;
    FloatVector c1 = a0;
    FloatVector d0 = a0;
    FloatVector d1 = a0;
    FloatVector e0 = a0;
    FloatVector e1 = a0;
    FloatVector f0 = a0;
    FloatVector f1 = a0;
    FloatVector g0 = a0;
    FloatVector g1 = a0;
    FloatVector h0 = a0;
    FloatVector h1 = a0;
    long touched = 0;
    long fullBytes = 2L * (cols - cols % GROUP);
    int i = 0;
    for (long off = 0; off < fullBytes; off += 2L * GROUP, i += GROUP) {
      touched += seg.get(ValueLayout.JAVA_INT_UNALIGNED, ahead + off);
      IntVector v = Simd.ints(seg, r0 + off);
      IntVector u = Simd.ints(seg, r1 + off);
      FloatVector ve = Simd.bf16Even(v);
      FloatVector vo = Simd.bf16Odd(v);
      FloatVector ue = Simd.bf16Even(u);
      FloatVector uo = Simd.bf16Odd(u);
      FloatVector xe = FloatVector.fromArray(F, xp, x0 + i);
      FloatVector xo = FloatVector.fromArray(F, xp, x0 + i + L);
      a0 = ve.fma(xe, a0);
      a1 = vo.fma(xo, a1);
      e0 = ue.fma(xe, e0);
      e1 = uo.fma(xo, e1);
      xe = FloatVector.fromArray(F, xp, x1 + i);
      xo = FloatVector.fromArray(F, xp, x1 + i + L);
      b0 = ve.fma(xe, b0);
      b1 = vo.fma(xo, b1);
      f0 = ue.fma(xe, f0);
      f1 = uo.fma(xo, f1);
      xe = FloatVector.fromArray(F, xp, x2 + i);
      xo = FloatVector.fromArray(F, xp, x2 + i + L);
      c0 = ve.fma(xe, c0);
      c1 = vo.fma(xo, c1);
      g0 = ue.fma(xe, g0);
      g1 = uo.fma(xo, g1);
      xe = FloatVector.fromArray(F, xp, x3 + i);
      xo = FloatVector.fromArray(F, xp, x3 + i + L);
      d0 = ve.fma(xe, d0);
      d1 = vo.fma(xo, d1);
      h0 = ue.fma(xe, h0);
      h1 = uo.fma(xo, h1);
    }
    a0.add(a1).intoArray(lanes, 0);
    b0.add(b1).intoArray(lanes, L);
    c0.add(c1).intoArray(lanes, 2 * L);
    d0.add(d1).intoArray(lanes, 3 * L);
    e0.add(e1).intoArray(lanes, 4 * L);
    f0.add(f1).intoArray(lanes, 5 * L);
    g0.add(g1).intoArray(lanes, 6 * L);
    h0.add(h1).intoArray(lanes, 7 * L);
    for (int k = 0; k < 4; k++) {
      int x = x0 + k * cols;
      out[at + k * stride] = finish(seg, r0, cols, xp, x, lanes, k * L);
      out[at + k * stride + 1] = finish(seg, r1, cols, xp, x, lanes, (4 + k) * L);
    }
    return touched;
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
