package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * BF16 weights in {@link Bf16Panels} times f32 activation rows (laid out by {@link #order}). Each vector
 * holds L output rows: a column pair's weights widen in registers and multiply a broadcast
 * activation, so outputs come out whole and no lanes are ever summed.
 *
 * <p>Reduction order of every (activation row, weight row) result, whichever kernel computes
 * it: one fused multiply-add per column, from column 0 to the last, starting from +0. Nothing
 * depends on the batch, the tile, the chunking or the thread, so a row's result is
 * bit-identical alone or in any batch.
 *
 * <p>Tiles: every call runs over blocks of four panels (a thread's chunk holds whole blocks).
 * Eight activation rows at a time go two panels by eight rows (sixteen products per two weight
 * loads); the rest four panels by two rows and by one, four streams in four places of memory,
 * which keeps more reads in flight than one (what decode, at one row, waits on). A block's
 * first pass reads it from memory and the others from cache. Two panels by four rows measured
 * slower than two passes of four by two (batch 4: 80 against 70 ms a sweep).
 *
 * <p>Activations in groups of eight rows are interleaved once per call ({@link #order}), so
 * the eight-row tile reads a column pair's sixteen activations at constant offsets from one
 * loop counter. Read row-major, each of its sixteen broadcasts cost an index add, a bounds
 * compare and a branch, and the tile ran at ~50 G multiply-adds/s on one thread here against
 * ~69 interleaved (a single thread's vector peak measured ~70). A sweep of the 0.6B shape's
 * matmuls on 2 threads went at batch 8 from 110 to 89 ms, 16 rows from 215 to 161 and 64 rows
 * from 748 to 517 ms, same bits.
 *
 * <p>Against the row-major kernels this replaced (two accumulators per result summed across
 * lanes at the end, 2x4 and 4x1 tiles), one sweep over the 0.6B shape's matmuls on 2 threads
 * here went at batch 1 from 45 to 42 ms, batch 2 from 48 to 41, batch 8 from 141 to 92, and
 * 64 rows (a prefill chunk) from 1121 to 634 ms.
 */
final class Bf16PanelKernels {
  private Bf16PanelKernels() {}

  private static final int ROWS = Bf16Panels.ROWS;
  private static final IntVector HIGH_HALVES = IntVector.broadcast(Simd.I, 0xFFFF0000);

  /** Activation rows that {@link #order} interleaves together. */
  static final int GROUP = 8;

  /**
   * x (rows of cols, row-major) into dst in the order {@link #range} reads: each full group of
   * {@link #GROUP} rows interleaved by column pairs (a pair's low columns of the group's rows,
   * then its high columns; an odd last column after the last pair), the remaining rows as they
   * are. A group fills the same span of dst as in x, so the rows after the groups keep their
   * place. The eight-row tile then finds a column pair's sixteen activations side by side.
   */
  static void order(float[] x, int rows, int cols, float[] dst) {
    int grouped = grouped(rows);
    int pairs = cols / 2;
    for (int r0 = 0; r0 < grouped; r0 += GROUP) {
      int base = r0 * cols;
      for (int i = 0; i < GROUP; i++) {
        int row = (r0 + i) * cols;
        for (int p = 0; p < pairs; p++) {
          dst[base + 2 * GROUP * p + i] = x[row + 2 * p];
          dst[base + 2 * GROUP * p + GROUP + i] = x[row + 2 * p + 1];
        }
        if (cols % 2 == 1) {
          dst[base + 2 * GROUP * pairs + i] = x[row + cols - 1];
        }
      }
    }
    System.arraycopy(x, grouped * cols, dst, grouped * cols, (rows - grouped) * cols);
  }

  /** Rows that {@link #order} interleaves: every full group's. */
  static int grouped(int rows) {
    return rows / GROUP * GROUP;
  }

  /** Where activation row r's column 0 is in x laid out by {@link #order}. */
  private static int rowStart(int r, int grouped, int cols) {
    return r < grouped ? r / GROUP * GROUP * cols + r % GROUP : r * cols;
  }

  /** The distance in x laid out by {@link #order} from row r's column c to its column c + 2. */
  private static int pairStep(int r, int grouped) {
    return r < grouped ? 2 * GROUP : 2;
  }

  /**
   * out[r * w.rows() + o] for output rows [from, to) and every activation row r of x, laid
   * out by {@link #order}.
   */
  static void range(WeightMatrix w, float[] x, float[] out, int rows, int from, int to) {
    float[] tmp = new float[16 * L];
    int grouped = grouped(rows);
    int g0 = from / ROWS;
    int g1 = (to + ROWS - 1) / ROWS;
    for (int g = g0; g < g1; g += 4) {
      int panels = Math.min(4, g1 - g);
      int r = 0;
      for (; r < grouped; r += GROUP) {
        int j = 0;
        for (; j + 2 <= panels; j += 2) {
          p2r8(w, g + j, x, r, tmp);
          store(w, tmp, 2, GROUP, g + j, r, x, grouped, out, from, to);
        }
        ones(w, g + j, panels - j, x, r, GROUP, grouped, tmp, out, from, to);
      }
      if (panels == 4) {
        for (; r + 2 <= rows; r += 2) {
          p4r2(w, g, x, r, tmp);
          store(w, tmp, 4, 2, g, r, x, grouped, out, from, to);
        }
        for (; r < rows; r++) {
          p4r1(w, g, x, r, tmp);
          store(w, tmp, 4, 1, g, r, x, grouped, out, from, to);
        }
      } else {
        ones(w, g, panels, x, r, rows - r, grouped, tmp, out, from, to);
      }
    }
  }

  /** Panels [g, g + panels) by activation rows [r, r + count), one at a time. */
  private static void ones(WeightMatrix w, int g, int panels, float[] x, int r, int count,
      int grouped, float[] tmp, float[] out, int from, int to) {
    int cols = w.cols();
    for (int j = 0; j < panels; j++) {
      for (int i = 0; i < count; i++) {
        p1r1(w, g + j, x, rowStart(r + i, grouped, cols), pairStep(r + i, grouped), tmp);
        store(w, tmp, 1, 1, g + j, r + i, x, grouped, out, from, to);
      }
    }
  }

  /**
   * Results of panels [g, g + panels) by activation rows [r, r + count), at tmp[(i * panels +
   * j) * L], into out where the output row is in [from, to); an odd last column is added last,
   * in the same order as every other column.
   */
  private static void store(WeightMatrix w, float[] tmp, int panels, int count, int g, int r,
      float[] x, int grouped, float[] out, int from, int to) {
    int cols = w.cols();
    int outDim = w.rows();
    boolean oddColumn = cols % 2 == 1;
    for (int i = 0; i < count; i++) {
      int last = rowStart(r + i, grouped, cols) + cols / 2 * pairStep(r + i, grouped);
      for (int j = 0; j < panels; j++) {
        int first = (g + j) * ROWS;
        int lo = Math.max(from, first);
        int hi = Math.min(Math.min(to, outDim), first + ROWS);
        int at = (i * panels + j) * L - first;
        if (!oddColumn && hi - lo == ROWS) {
          // a whole panel: its results as they are (element by element this took a tenth of
          // the eight-row tile's time)
          System.arraycopy(tmp, at + lo, out, (r + i) * outDim + lo, ROWS);
          continue;
        }
        for (int o = lo; o < hi; o++) {
          float v = tmp[at + o];
          if (oddColumn) {
            v = Math.fma(Bf16Panels.get(w.data(), o, cols - 1, cols), x[last], v);
          }
          out[(r + i) * outDim + o] = v;
        }
      }
    }
  }

  private static long fullPairBytes(int cols) {
    return (long) (cols / 2) * ROWS * 4;
  }

  private static long panelAt(WeightMatrix w, int g) {
    return g * Bf16Panels.panelBytes(w.cols());
  }

  // The kernels spell every vector operation out: behind even a one-line helper, C2 compiled
  // the eight-row kernel with calls left in its loop, 8x slower.

  /**
   * Panel g by one activation row whose column 0 is at x[start] and whose column c + 2 is step
   * after its column c (the high column of a pair is half a step after the low one).
   */
  private static void p1r1(WeightMatrix w, int g, float[] x, int start, int step, float[] tmp) {
    MemorySegment seg = w.data();
    long p0 = panelAt(w, g);
    long end = fullPairBytes(w.cols());
    int high = step / 2;
    int c = start;
    FloatVector a = FloatVector.zero(F);
    for (long off = 0; off < end; off += 4L * ROWS, c += step) {
      IntVector v = Simd.ints(seg, p0 + off);
      a = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
          .fma(FloatVector.broadcast(F, x[c]), a);
      a = v.and(HIGH_HALVES).reinterpretAsFloats().fma(FloatVector.broadcast(F, x[c + high]), a);
    }
    a.intoArray(tmp, 0);
  }

  /** Panels g to g + 3 by activation row r: four streams for decode. */
  private static void p4r1(WeightMatrix w, int g, float[] x, int r, float[] tmp) {
    MemorySegment seg = w.data();
    long step = Bf16Panels.panelBytes(w.cols());
    long p0 = panelAt(w, g);
    long p1 = p0 + step;
    long p2 = p1 + step;
    long p3 = p2 + step;
    long end = fullPairBytes(w.cols());
    int c = r * w.cols();
    FloatVector a = FloatVector.zero(F);
    FloatVector b = a;
    FloatVector d = a;
    FloatVector e = a;
    int pairs = w.cols() / 2;
    for (int p = 0; p < pairs; p++) {
      long off = (long) p * (4 * ROWS);
      FloatVector xe = FloatVector.broadcast(F, x[c + 2 * p]);
      FloatVector xo = FloatVector.broadcast(F, x[c + 2 * p + 1]);
      IntVector v = Simd.ints(seg, p0 + off);
      IntVector u = Simd.ints(seg, p1 + off);
      IntVector s = Simd.ints(seg, p2 + off);
      IntVector t = Simd.ints(seg, p3 + off);
      a = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a);
      b = u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, b);
      d = s.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, d);
      e = t.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e);
      a = v.and(HIGH_HALVES).reinterpretAsFloats().fma(xo, a);
      b = u.and(HIGH_HALVES).reinterpretAsFloats().fma(xo, b);
      d = s.and(HIGH_HALVES).reinterpretAsFloats().fma(xo, d);
      e = t.and(HIGH_HALVES).reinterpretAsFloats().fma(xo, e);
    }
    a.intoArray(tmp, 0);
    b.intoArray(tmp, L);
    d.intoArray(tmp, 2 * L);
    e.intoArray(tmp, 3 * L);
  }

  /** Panels g to g + 3 by activation rows r and r + 1. */
  private static void p4r2(WeightMatrix w, int g, float[] x, int r, float[] tmp) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long step = Bf16Panels.panelBytes(cols);
    long p0 = panelAt(w, g);
    long p1 = p0 + step;
    long p2 = p1 + step;
    long p3 = p2 + step;
    long end = fullPairBytes(cols);
    int c = r * cols;
    FloatVector a0 = FloatVector.zero(F); // panel g, activation row r
    FloatVector b0 = a0;
    FloatVector d0 = a0;
    FloatVector e0 = a0;
    FloatVector a1 = a0; // panel g, activation row r + 1
    FloatVector b1 = a0;
    FloatVector d1 = a0;
    FloatVector e1 = a0;
    int pairs = cols / 2;
    for (int p = 0; p < pairs; p++) {
      long off = (long) p * (4 * ROWS);
      IntVector v = Simd.ints(seg, p0 + off);
      IntVector u = Simd.ints(seg, p1 + off);
      IntVector s = Simd.ints(seg, p2 + off);
      IntVector t = Simd.ints(seg, p3 + off);
      FloatVector ve = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector ue = u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector se = s.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector te = t.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector x0 = FloatVector.broadcast(F, x[c + 2 * p]);
      FloatVector x1 = FloatVector.broadcast(F, x[c + cols + 2 * p]);
      a0 = ve.fma(x0, a0);
      b0 = ue.fma(x0, b0);
      d0 = se.fma(x0, d0);
      e0 = te.fma(x0, e0);
      a1 = ve.fma(x1, a1);
      b1 = ue.fma(x1, b1);
      d1 = se.fma(x1, d1);
      e1 = te.fma(x1, e1);
      FloatVector vo = v.and(HIGH_HALVES).reinterpretAsFloats();
      FloatVector uo = u.and(HIGH_HALVES).reinterpretAsFloats();
      FloatVector so = s.and(HIGH_HALVES).reinterpretAsFloats();
      FloatVector to = t.and(HIGH_HALVES).reinterpretAsFloats();
      x0 = FloatVector.broadcast(F, x[c + 2 * p + 1]);
      x1 = FloatVector.broadcast(F, x[c + cols + 2 * p + 1]);
      a0 = vo.fma(x0, a0);
      b0 = uo.fma(x0, b0);
      d0 = so.fma(x0, d0);
      e0 = to.fma(x0, e0);
      a1 = vo.fma(x1, a1);
      b1 = uo.fma(x1, b1);
      d1 = so.fma(x1, d1);
      e1 = to.fma(x1, e1);
    }
    a0.intoArray(tmp, 0);
    b0.intoArray(tmp, L);
    d0.intoArray(tmp, 2 * L);
    e0.intoArray(tmp, 3 * L);
    a1.intoArray(tmp, 4 * L);
    b1.intoArray(tmp, 5 * L);
    d1.intoArray(tmp, 6 * L);
    e1.intoArray(tmp, 7 * L);
  }

  /**
   * Panels g and g + 1 by activation rows r to r + 7, which x holds interleaved (see {@link
   * #order}).
   */
  private static void p2r8(WeightMatrix w, int g, float[] x, int r, float[] tmp) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long p0 = panelAt(w, g);
    long p1 = p0 + Bf16Panels.panelBytes(cols);
    int pairs = cols / 2;
    int at = r * cols;
    FloatVector a0 = FloatVector.zero(F); // panel g, activation rows r to r + 7
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector b0 = a0; // panel g + 1
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    FloatVector b4 = a0;
    FloatVector b5 = a0;
    FloatVector b6 = a0;
    FloatVector b7 = a0;
    // An int loop whose x indexes are the counter plus constants: C2 then hoists their bounds
    // checks, where the row-major indexes cost an add, a compare and a branch per broadcast.
    for (int p = 0; p < pairs; p++) {
      long off = (long) p * (4 * ROWS);
      int c = at + 16 * p;
      IntVector v = Simd.ints(seg, p0 + off);
      IntVector u = Simd.ints(seg, p1 + off);
      FloatVector ve = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector ue = u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector xr = FloatVector.broadcast(F, x[c]);
      a0 = ve.fma(xr, a0);
      b0 = ue.fma(xr, b0);
      xr = FloatVector.broadcast(F, x[c + 1]);
      a1 = ve.fma(xr, a1);
      b1 = ue.fma(xr, b1);
      xr = FloatVector.broadcast(F, x[c + 2]);
      a2 = ve.fma(xr, a2);
      b2 = ue.fma(xr, b2);
      xr = FloatVector.broadcast(F, x[c + 3]);
      a3 = ve.fma(xr, a3);
      b3 = ue.fma(xr, b3);
      xr = FloatVector.broadcast(F, x[c + 4]);
      a4 = ve.fma(xr, a4);
      b4 = ue.fma(xr, b4);
      xr = FloatVector.broadcast(F, x[c + 5]);
      a5 = ve.fma(xr, a5);
      b5 = ue.fma(xr, b5);
      xr = FloatVector.broadcast(F, x[c + 6]);
      a6 = ve.fma(xr, a6);
      b6 = ue.fma(xr, b6);
      xr = FloatVector.broadcast(F, x[c + 7]);
      a7 = ve.fma(xr, a7);
      b7 = ue.fma(xr, b7);
      FloatVector vo = v.and(HIGH_HALVES).reinterpretAsFloats();
      FloatVector uo = u.and(HIGH_HALVES).reinterpretAsFloats();
      xr = FloatVector.broadcast(F, x[c + 8]);
      a0 = vo.fma(xr, a0);
      b0 = uo.fma(xr, b0);
      xr = FloatVector.broadcast(F, x[c + 9]);
      a1 = vo.fma(xr, a1);
      b1 = uo.fma(xr, b1);
      xr = FloatVector.broadcast(F, x[c + 10]);
      a2 = vo.fma(xr, a2);
      b2 = uo.fma(xr, b2);
      xr = FloatVector.broadcast(F, x[c + 11]);
      a3 = vo.fma(xr, a3);
      b3 = uo.fma(xr, b3);
      xr = FloatVector.broadcast(F, x[c + 12]);
      a4 = vo.fma(xr, a4);
      b4 = uo.fma(xr, b4);
      xr = FloatVector.broadcast(F, x[c + 13]);
      a5 = vo.fma(xr, a5);
      b5 = uo.fma(xr, b5);
      xr = FloatVector.broadcast(F, x[c + 14]);
      a6 = vo.fma(xr, a6);
      b6 = uo.fma(xr, b6);
      xr = FloatVector.broadcast(F, x[c + 15]);
      a7 = vo.fma(xr, a7);
      b7 = uo.fma(xr, b7);
    }
    a0.intoArray(tmp, 0);
    b0.intoArray(tmp, L);
    a1.intoArray(tmp, 2 * L);
    b1.intoArray(tmp, 3 * L);
    a2.intoArray(tmp, 4 * L);
    b2.intoArray(tmp, 5 * L);
    a3.intoArray(tmp, 6 * L);
    b3.intoArray(tmp, 7 * L);
    a4.intoArray(tmp, 8 * L);
    b4.intoArray(tmp, 9 * L);
    a5.intoArray(tmp, 10 * L);
    b5.intoArray(tmp, 11 * L);
    a6.intoArray(tmp, 12 * L);
    b6.intoArray(tmp, 13 * L);
    a7.intoArray(tmp, 14 * L);
    b7.intoArray(tmp, 15 * L);
  }
}
