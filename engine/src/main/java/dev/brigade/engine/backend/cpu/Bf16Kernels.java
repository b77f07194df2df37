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
 * activation row passes. A block's first pass reads its weights from memory, and one core
 * waits on that memory and then computes, the two hardly overlapping (Java has no prefetch
 * instruction). So decode batches (up to {@link #MAX_ROWS_FOR_2X4} rows) take each block from
 * the four quarters of the range and make the first pass with tiles of four weight rows, one
 * per quarter, by activation rows 0 and 1: four streams in flight, as at batch 1. The other
 * activation rows then pass over the cached block in tiles of two weight rows by four
 * activation rows (eight products per weight load), then two by two. On the 0.6B shape's
 * weights (one sweep, 2 threads) this took batch 2 from 74 to 44 ms, batch 4 from 94 to 76 ms
 * and batch 8 from 130-147 to 112-117 ms, against two-row blocks read ahead one int per 64
 * bytes; batches of 12-16 rows measured the same either way. Prefill chunks reuse each cached
 * block for many activation rows, and there two by two measured 8-15% faster (256 rows) than
 * the 2x4 tiles. A 1x4 tile, and a 2x2 tile over weights widened to f32 first, were measured
 * slower.
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
   * Batches up to this many rows make four-stream first passes and use the 2x4 tiles; larger
   * ones (prefill chunks) pass over each cached block many times, where the 2x2 tile measured
   * faster.
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
    int from4 = from;
    if (rows <= MAX_ROWS_FOR_2X4) {
      from4 = fourStreams(w, xp, out, rows, from, to, lanes);
    }
    long rowBytes = w.rowBytes();
    int block = (int) Math.max(2, BLOCK_BYTES / Math.max(1, rowBytes));
    for (int o0 = from4; o0 < to; o0 += block) {
      cached(w, xp, out, rows, 0, o0, Math.min(to, o0 + block), lanes);
    }
  }

  /**
   * A decode batch over most of [from, to): four quarters of the range at once, in blocks of
   * a few rows from each. The first pass over a block (activation rows 0 and 1) reads four
   * weight rows a quarter apart, four streams in four pages, so it does not wait on memory
   * one stream at a time; the other activation rows then pass over the block from cache.
   * Returns the first output row left for the caller (at most a few at the end).
   */
  private static int fourStreams(WeightMatrix w, float[] xp, float[] out, int rows, int from,
      int to, float[] lanes) {
    int quarter = ((to - from) / 4) & ~1; // even, so every region splits into row pairs
    int perRegion = (int) Math.max(2, BLOCK_BYTES / (4 * Math.max(1, w.rowBytes()))) & ~1;
    for (int k0 = 0; k0 < quarter; k0 += perRegion) {
      int k1 = Math.min(quarter, k0 + perRegion);
      for (int k = k0; k < k1; k++) {
        tile4x2(w, from + k, quarter, xp, out, lanes);
      }
      for (int j = 0; j < 4; j++) {
        int base = from + j * quarter;
        cached(w, xp, out, rows, 2, base + k0, base + k1, lanes);
      }
    }
    return from + 4 * quarter;
  }

  /**
   * Activation rows [r0, rows) over weight rows [o0, o1), a block small enough to stay in
   * cache while they pass: 2x4 tiles for decode batches, then 2x2, then single rows.
   */
  private static void cached(WeightMatrix w, float[] xp, float[] out, int rows, int r0, int o0,
      int o1, float[] lanes) {
    int outDim = w.rows();
    int cols = w.cols();
    int r = r0;
    for (; rows <= MAX_ROWS_FOR_2X4 && r + 4 <= rows; r += 4) {
      int o = o0;
      for (; o + 2 <= o1; o += 2) {
        tile2x4(w, o, xp, r * cols, out, r * outDim + o, outDim, lanes);
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
   * Weight rows o, o + d, o + 2d, o + 3d with activation rows 0 and 1: four streams in four
   * pages for a block's first pass (see {@link #fourStreams}).
   */
  private static void tile4x2(WeightMatrix w, int o, int d, float[] xp, float[] out,
      float[] lanes) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    int outDim = w.rows();
    long r0 = (long) o * w.rowBytes();
    long step = (long) d * w.rowBytes();
    long r1 = r0 + step;
    long r2 = r1 + step;
    long r3 = r2 + step;
    FloatVector a0 = FloatVector.zero(F); // weight row o, activation row 0
    FloatVector a1 = a0;
    FloatVector b0 = a0; // weight row o + d
    FloatVector b1 = a0;
    FloatVector c0 = a0;
    FloatVector c1 = a0;
    FloatVector d0 = a0;
    FloatVector d1 = a0;
    FloatVector e0 = a0; // weight row o, activation row 1
    FloatVector e1 = a0;
    FloatVector f0 = a0;
    FloatVector f1 = a0;
    FloatVector g0 = a0;
    FloatVector g1 = a0;
    FloatVector h0 = a0;
    FloatVector h1 = a0;
    long fullBytes = 2L * (cols - cols % GROUP);
    int i = 0;
    for (long off = 0; off < fullBytes; off += 2L * GROUP, i += GROUP) {
      FloatVector xe = FloatVector.fromArray(F, xp, i);
      FloatVector xo = FloatVector.fromArray(F, xp, i + L);
      FloatVector ye = FloatVector.fromArray(F, xp, cols + i);
      FloatVector yo = FloatVector.fromArray(F, xp, cols + i + L);
      IntVector v = Simd.ints(seg, r0 + off);
      FloatVector even = Simd.bf16Even(v);
      FloatVector odd = Simd.bf16Odd(v);
      a0 = even.fma(xe, a0);
      a1 = odd.fma(xo, a1);
      e0 = even.fma(ye, e0);
      e1 = odd.fma(yo, e1);
      v = Simd.ints(seg, r1 + off);
      even = Simd.bf16Even(v);
      odd = Simd.bf16Odd(v);
      b0 = even.fma(xe, b0);
      b1 = odd.fma(xo, b1);
      f0 = even.fma(ye, f0);
      f1 = odd.fma(yo, f1);
      v = Simd.ints(seg, r2 + off);
      even = Simd.bf16Even(v);
      odd = Simd.bf16Odd(v);
      c0 = even.fma(xe, c0);
      c1 = odd.fma(xo, c1);
      g0 = even.fma(ye, g0);
      g1 = odd.fma(yo, g1);
      v = Simd.ints(seg, r3 + off);
      even = Simd.bf16Even(v);
      odd = Simd.bf16Odd(v);
      d0 = even.fma(xe, d0);
      d1 = odd.fma(xo, d1);
      h0 = even.fma(ye, h0);
      h1 = odd.fma(yo, h1);
    }
    a0.add(a1).intoArray(lanes, 0);
    b0.add(b1).intoArray(lanes, L);
    c0.add(c1).intoArray(lanes, 2 * L);
    d0.add(d1).intoArray(lanes, 3 * L);
    e0.add(e1).intoArray(lanes, 4 * L);
    f0.add(f1).intoArray(lanes, 5 * L);
    g0.add(g1).intoArray(lanes, 6 * L);
    h0.add(h1).intoArray(lanes, 7 * L);
    for (int j = 0; j < 4; j++) {
      long row = r0 + j * step;
      out[o + j * d] = finish(seg, row, cols, xp, 0, lanes, j * L);
      out[outDim + o + j * d] = finish(seg, row, cols, xp, cols, lanes, (4 + j) * L);
    }
  }

  /**
   * Weight rows o, o + 1 with the four activation rows from xp[x0] (cols apart); the result of
   * activation row k and weight row o + j at out[at + k * stride + j].
   */
  private static void tile2x4(WeightMatrix w, int o, float[] xp, int x0, float[] out, int at,
      int stride, float[] lanes) {
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
    long fullBytes = 2L * (cols - cols % GROUP);
    int i = 0;
    for (long off = 0; off < fullBytes; off += 2L * GROUP, i += GROUP) {
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
