package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * out[r, o] = sum_i w[o, i] * x[r, i]: weight rows in their stored dtype times f32 activation
 * rows, on every thread of a {@link CpuPool}.
 *
 * <p>Work is split over output rows o only. Each (r, o) result has one fixed reduction order
 * per weight dtype, which depends on the row length and the vector width only - not on the
 * batch, the other rows, the thread count or the chunking - so a row's result is
 * bit-identical alone or in any batch. BF16 weights are stored in panels of L rows and each
 * lane computes its own output row ({@link Bf16PanelKernels} gives their order); activation
 * rows are interleaved in groups of eight once per call to match. FP8 weights are in panels
 * too, four columns per lane ({@link Fp8PanelKernels} gives their order, block by scale
 * block). F16 and F32 weights keep column order: four vector
 * accumulators take the groups of 4L columns in turn (accumulator j sums vectors 4k + j with
 * fused multiply-adds), vectors left after the last full group go to accumulator 0, the four
 * are added as (a0 + a1) + (a2 + a3) and the lanes summed in the tree order of {@link
 * Simd#sumLanes}; columns after the last full vector are then added one by one.
 *
 * <p>Memory traffic: weights stream from memory once per call. BF16 is widened in registers
 * at every batch size; FP8 at one activation row, and otherwise a scale block of four panels
 * at a time into a per-thread f32 buffer. F16 and F32 widen a block of consecutive weight rows
 * (~32 KiB stored) once into a per-thread f32 buffer that stays in cache, and every activation
 * row is run against it two at a time.
 *
 * <p>The kernels are many small methods on purpose: the Vector API only compiles to SIMD
 * instructions when C2 inlines every call of it, and one large method (four activation rows
 * with four accumulators each was measured) exhausts the inlining budget and falls back to
 * (very slow) Java loops.
 */
public final class MatmulKernels {
  private MatmulKernels() {}

  /** Weight bytes (as stored) widened together for multi-row calls. */
  private static final long WEIGHT_BLOCK_BYTES = 32 * 1024;
  /** A chunk handed to one thread covers at least this many weight bytes. */
  private static final long MIN_CHUNK_BYTES = 32 * 1024;

  private static final ThreadLocal<float[]> WIDE = ThreadLocal.withInitial(() -> new float[0]);
  private static final ThreadLocal<float[]> PERMUTED =
      ThreadLocal.withInitial(() -> new float[0]);

  /**
   * out[r * w.rows() + o] = dot(w[o, :], x[r * w.cols() ...]) for r < rows and every o, split
   * over output rows across {@code pool}.
   */
  public static void matmul(WeightMatrix w, float[] x, float[] out, int rows, CpuPool pool) {
    matmulEach(new WeightMatrix[] {w}, x, new float[][] {out}, rows, pool);
  }

  /**
   * {@link #matmul} of the same x through each of {@code ws} (into the matching {@code outs}),
   * as one piece of work for the pool: one hand-off and one wait instead of one per weight,
   * and no thread idles at the end of each. The weights must share dtype and column count.
   */
  public static void matmulEach(WeightMatrix[] ws, float[] x, float[][] outs, int rows,
      CpuPool pool) {
    if (ws.length != outs.length || ws.length == 0) {
      throw new IllegalArgumentException(ws.length + " weights for " + outs.length + " outputs");
    }
    int[] start = new int[ws.length + 1];
    long rowBytes = 0;
    for (int j = 0; j < ws.length; j++) {
      check(ws[j], x, outs[j], rows);
      if (ws[j].dtype() != ws[0].dtype() || ws[j].cols() != ws[0].cols()) {
        throw new IllegalArgumentException("weights multiplied together must share dtype and"
            + " columns: " + ws[0].dtype() + " x " + ws[0].cols() + " and " + ws[j].dtype()
            + " x " + ws[j].cols());
      }
      start[j + 1] = start[j] + ws[j].rows();
      rowBytes = ws[j].rowBytes();
    }
    int total = start[ws.length];
    if (rows == 0 || total == 0) {
      return;
    }
    int chunks = pool.threads() * 16;
    int grain = (int) Math.max((total + chunks - 1) / chunks,
        (MIN_CHUNK_BYTES + rowBytes - 1) / Math.max(1, rowBytes));
    // whole blocks of four panels in every chunk but the last, for the four-panel tiles (BF16
    // and FP8 panels both hold L rows; a panel cut by a chunk is computed by both)
    int blockRows = 4 * Bf16Panels.ROWS;
    grain = (grain + blockRows - 1) / blockRows * blockRows;
    float[] xp = permuted(ws[0], x, rows);
    pool.forEach(total, grain, (from, to) -> {
      // a chunk of the concatenated output rows, cut at the weights' boundaries
      for (int j = 0; j < ws.length; j++) {
        int a = Math.max(from, start[j]);
        int b = Math.min(to, start[j + 1]);
        if (a < b) {
          range(ws[j], xp, outs[j], rows, a - start[j], b - start[j]);
        }
      }
    });
  }

  /** The same product on the calling thread only. */
  public static void matmulSingleThread(WeightMatrix w, float[] x, float[] out, int rows) {
    check(w, x, out, rows);
    if (rows > 0) {
      range(w, permuted(w, x, rows), out, rows, 0, w.rows());
    }
  }

  /**
   * x in the order the dtype's kernels read (a per-calling-thread buffer, only read while this
   * call runs), or x itself where that is row-major: BF16 and FP8 interleave groups of eight
   * rows ({@link Bf16PanelKernels#order}, {@link Fp8PanelKernels#order}), and FP8 rows are
   * padded to whole column quads.
   */
  private static float[] permuted(WeightMatrix w, float[] x, int rows) {
    int cols = w.cols();
    switch (w.dtype()) {
      case BF16 -> {
        if (Bf16PanelKernels.grouped(rows) == 0) {
          return x;
        }
        float[] xp = buffer(rows * cols);
        Bf16PanelKernels.order(x, rows, cols, xp);
        return xp;
      }
      case F8_E4M3 -> {
        if (Fp8PanelKernels.grouped(rows) == 0 && Fp8PanelKernels.width(cols) == cols) {
          return x;
        }
        float[] xp = buffer(rows * Fp8PanelKernels.width(cols));
        Fp8PanelKernels.order(x, rows, cols, xp);
        return xp;
      }
      case F16, F32 -> {
        return x;
      }
    }
    throw new IllegalStateException("no order for " + w.dtype());
  }

  /** The calling thread's activation buffer, at least n floats. */
  private static float[] buffer(int n) {
    float[] xp = PERMUTED.get();
    if (xp.length < n) {
      xp = new float[n];
      PERMUTED.set(xp);
    }
    return xp;
  }

  private static void check(WeightMatrix w, float[] x, float[] out, int rows) {
    if (rows < 0 || x.length < (long) rows * w.cols() || out.length < (long) rows * w.rows()) {
      throw new IllegalArgumentException("matmul of " + rows + " rows through [" + w.rows()
          + ", " + w.cols() + "] needs " + (long) rows * w.cols() + " inputs and "
          + (long) rows * w.rows() + " outputs, has " + x.length + " and " + out.length);
    }
  }

  /**
   * Output rows [from, to) for all activation rows (x already in the dtype's order). BF16
   * and FP8 have kernels of their own; F16 and F32 widen blocks of weight rows into a
   * per-thread f32 buffer first.
   */
  static void range(WeightMatrix w, float[] x, float[] out, int rows, int from, int to) {
    switch (w.dtype()) {
      case BF16 -> Bf16PanelKernels.range(w, x, out, rows, from, to);
      case F8_E4M3 -> Fp8PanelKernels.range(w, x, out, rows, from, to);
      case F16, F32 -> widenedRange(w, x, out, rows, from, to);
    }
  }

  private static void widenedRange(WeightMatrix w, float[] x, float[] out, int rows, int from,
      int to) {
    float[] lanes = new float[8 * L];
    int cols = w.cols();
    int outDim = w.rows();
    int block = (int) Math.max(1, Math.min(to - from, WEIGHT_BLOCK_BYTES / w.rowBytes()));
    float[] wide = WIDE.get();
    if (wide.length < block * cols) {
      wide = new float[block * cols];
      WIDE.set(wide);
    }
    for (int o0 = from; o0 < to; o0 += block) {
      int n = Math.min(block, to - o0);
      for (int k = 0; k < n; k++) {
        widen(w, o0 + k, wide, k * cols);
      }
      int r0 = 0;
      for (; r0 + 2 <= rows; r0 += 2) {
        int k = 0;
        for (; k + 2 <= n; k += 2) {
          dot2x2(wide, k * cols, cols, x, r0 * cols, out, r0 * outDim + o0 + k, outDim, lanes);
        }
        if (k < n) {
          dot2(wide, k * cols, cols, x, r0 * cols, out, r0 * outDim + o0 + k, outDim, lanes);
        }
      }
      if (r0 < rows) {
        for (int k = 0; k < n; k++) {
          out[r0 * outDim + o0 + k] = dot1(wide, k * cols, cols, x, r0 * cols, lanes);
        }
      }
    }
  }

  /**
   * Weight row o (F16 or F32) as f32 into dst[at, at + cols): full vectors, then the columns
   * after the last full vector one by one. One small method per dtype keeps each within C2's
   * inlining budget.
   */
  private static void widen(WeightMatrix w, int o, float[] dst, int at) {
    int full = w.cols() - w.cols() % L;
    long row = (long) o * w.rowBytes();
    switch (w.dtype()) {
      case F32 -> widenF32(w.data(), row, full, dst, at);
      case F16 -> widenF16(w.data(), row, full, dst, at);
      case BF16, F8_E4M3 -> throw new IllegalStateException(w.dtype() + " has its own kernels");
    }
    for (int i = full; i < w.cols(); i++) {
      dst[at + i] = w.get(o, i);
    }
  }

  private static void widenF32(MemorySegment seg, long row, int full, float[] dst, int at) {
    for (int i = 0; i < full; i += L) {
      Simd.f32(seg, row + 4L * i).intoArray(dst, at + i);
    }
  }

  private static void widenF16(MemorySegment seg, long row, int full, float[] dst, int at) {
    for (int i = 0; i < full; i += L) {
      Simd.f16(seg, row + 2L * i).intoArray(dst, at + i);
    }
  }

  /** dot(ws[w0, +cols), x[x0, +cols)) in the fixed order. */
  private static float dot1(float[] ws, int w0, int cols, float[] x, int x0, float[] lanes) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int groups = cols - cols % (4 * L);
    int i = 0;
    for (; i < groups; i += 4 * L) {
      a0 = FloatVector.fromArray(F, ws, w0 + i).fma(FloatVector.fromArray(F, x, x0 + i), a0);
      a1 = FloatVector.fromArray(F, ws, w0 + i + L)
          .fma(FloatVector.fromArray(F, x, x0 + i + L), a1);
      a2 = FloatVector.fromArray(F, ws, w0 + i + 2 * L)
          .fma(FloatVector.fromArray(F, x, x0 + i + 2 * L), a2);
      a3 = FloatVector.fromArray(F, ws, w0 + i + 3 * L)
          .fma(FloatVector.fromArray(F, x, x0 + i + 3 * L), a3);
    }
    for (; i + L <= cols; i += L) {
      a0 = FloatVector.fromArray(F, ws, w0 + i).fma(FloatVector.fromArray(F, x, x0 + i), a0);
    }
    float sum = Simd.sum(a0, a1, a2, a3, lanes);
    for (; i < cols; i++) {
      sum = Math.fma(ws[w0 + i], x[x0 + i], sum);
    }
    return sum;
  }

  /**
   * {@link #dot1} of one widened weight row with two consecutive activation rows at x0, stored
   * at out[o0] and out[o0 + outStride]: each weight vector is loaded once for both.
   */
  private static void dot2(float[] ws, int w0, int cols, float[] x, int x0, float[] out,
      int o0, int outStride, float[] lanes) {
    int x1 = x0 + cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    int groups = cols - cols % (4 * L);
    int i = 0;
    for (; i < groups; i += 4 * L) {
      FloatVector v0 = FloatVector.fromArray(F, ws, w0 + i);
      FloatVector v1 = FloatVector.fromArray(F, ws, w0 + i + L);
      FloatVector v2 = FloatVector.fromArray(F, ws, w0 + i + 2 * L);
      FloatVector v3 = FloatVector.fromArray(F, ws, w0 + i + 3 * L);
      a0 = v0.fma(FloatVector.fromArray(F, x, x0 + i), a0);
      a1 = v1.fma(FloatVector.fromArray(F, x, x0 + i + L), a1);
      a2 = v2.fma(FloatVector.fromArray(F, x, x0 + i + 2 * L), a2);
      a3 = v3.fma(FloatVector.fromArray(F, x, x0 + i + 3 * L), a3);
      b0 = v0.fma(FloatVector.fromArray(F, x, x1 + i), b0);
      b1 = v1.fma(FloatVector.fromArray(F, x, x1 + i + L), b1);
      b2 = v2.fma(FloatVector.fromArray(F, x, x1 + i + 2 * L), b2);
      b3 = v3.fma(FloatVector.fromArray(F, x, x1 + i + 3 * L), b3);
    }
    for (; i + L <= cols; i += L) {
      FloatVector v = FloatVector.fromArray(F, ws, w0 + i);
      a0 = v.fma(FloatVector.fromArray(F, x, x0 + i), a0);
      b0 = v.fma(FloatVector.fromArray(F, x, x1 + i), b0);
    }
    float sa = Simd.sum(a0, a1, a2, a3, lanes);
    float sb = Simd.sum(b0, b1, b2, b3, lanes);
    for (; i < cols; i++) {
      sa = Math.fma(ws[w0 + i], x[x0 + i], sa);
      sb = Math.fma(ws[w0 + i], x[x1 + i], sb);
    }
    out[o0] = sa;
    out[o0 + outStride] = sb;
  }

  /**
   * {@link #dot1} of two consecutive widened weight rows at w0 with two consecutive activation
   * rows at x0: out[o0], out[o0 + 1] for the first activation row, the same plus outStride for
   * the second. Each load feeds two multiply-adds, where {@link #dot2} loads three vectors for
   * every two. Two passes, slots 0-1 then 2-3 (the second reads the rows from cache): sixteen
   * accumulators in one loop made C2 spill them and box vectors inside it (2.7x slower). The
   * accumulators are independent, so the passes give dot1's values in dot1's order. lanes
   * holds 8L floats.
   */
  private static void dot2x2(float[] ws, int w0, int cols, float[] x, int x0, float[] out,
      int o0, int outStride, float[] lanes) {
    slots2x2(ws, w0, cols, x, x0, 0, lanes, 0);
    slots2x2(ws, w0, cols, x, x0, 2, lanes, 4 * L);
    for (int k = 0; k < 4; k++) { // k = 2 * activation row + weight row
      FloatVector.fromArray(F, lanes, k * L).add(FloatVector.fromArray(F, lanes, (4 + k) * L))
          .intoArray(lanes, k * L);
      float sum = Simd.sumLanes(lanes, k * L);
      int w = w0 + (k & 1) * cols;
      int xr = x0 + (k >> 1) * cols;
      for (int i = cols - cols % L; i < cols; i++) {
        sum = Math.fma(ws[w + i], x[xr + i], sum);
      }
      out[o0 + (k >> 1) * outStride + (k & 1)] = sum;
    }
  }

  /**
   * Slots s and s + 1 of every group for weight rows w0, w0 + cols and activation rows x0, x0 +
   * cols, plus (when s is 0) the vectors after the groups into slot 0: for each pair (activation
   * row r, weight row j) the sum of its two accumulators at lanes[at + (2 r + j) L].
   */
  private static void slots2x2(float[] ws, int w0, int cols, float[] x, int x0, int s,
      float[] lanes, int at) {
    int w1 = w0 + cols;
    int x1 = x0 + cols;
    FloatVector a0 = FloatVector.zero(F); // weight row 0, activation row 0, slot s
    FloatVector a1 = a0; // the same, slot s + 1
    FloatVector b0 = a0; // weight row 1, activation row 0
    FloatVector b1 = a0;
    FloatVector c0 = a0; // weight row 0, activation row 1
    FloatVector c1 = a0;
    FloatVector d0 = a0; // weight row 1, activation row 1
    FloatVector d1 = a0;
    int groups = cols - cols % (4 * L);
    for (int i = s * L; i < groups; i += 4 * L) {
      FloatVector v = FloatVector.fromArray(F, ws, w0 + i);
      FloatVector u = FloatVector.fromArray(F, ws, w1 + i);
      FloatVector p = FloatVector.fromArray(F, x, x0 + i);
      FloatVector q = FloatVector.fromArray(F, x, x1 + i);
      a0 = v.fma(p, a0);
      b0 = u.fma(p, b0);
      c0 = v.fma(q, c0);
      d0 = u.fma(q, d0);
      v = FloatVector.fromArray(F, ws, w0 + i + L);
      u = FloatVector.fromArray(F, ws, w1 + i + L);
      p = FloatVector.fromArray(F, x, x0 + i + L);
      q = FloatVector.fromArray(F, x, x1 + i + L);
      a1 = v.fma(p, a1);
      b1 = u.fma(p, b1);
      c1 = v.fma(q, c1);
      d1 = u.fma(q, d1);
    }
    for (int i = groups; s == 0 && i + L <= cols; i += L) {
      FloatVector v = FloatVector.fromArray(F, ws, w0 + i);
      FloatVector u = FloatVector.fromArray(F, ws, w1 + i);
      FloatVector p = FloatVector.fromArray(F, x, x0 + i);
      FloatVector q = FloatVector.fromArray(F, x, x1 + i);
      a0 = v.fma(p, a0);
      b0 = u.fma(p, b0);
      c0 = v.fma(q, c0);
      d0 = u.fma(q, d0);
    }
    a0.add(a1).intoArray(lanes, at);
    b0.add(b1).intoArray(lanes, at + L);
    c0.add(c1).intoArray(lanes, at + 2 * L);
    d0.add(d1).intoArray(lanes, at + 3 * L);
  }
}
