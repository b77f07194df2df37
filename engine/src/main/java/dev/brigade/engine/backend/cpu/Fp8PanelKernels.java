package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * F8_E4M3 weights in {@link Fp8Panels} times f32 activation rows (laid out by {@link #order}).
 * Each vector holds L output rows, as for BF16 ({@link Bf16PanelKernels}).
 *
 * <p>Reduction order of every (activation row, weight row) result, whichever kernel computes
 * it: for each 128-column scale block in turn, a partial sum of the codes' values times the
 * activations, one fused multiply-add per column in column order from +0 (columns past the
 * last count as code 0 times activation 0); then total = fma(partial, block scale, total),
 * the total starting from +0. Nothing depends on the batch, the tile, the chunking or the
 * thread, so a row's result is bit-identical alone or in any batch. Codes widen exactly (every
 * E4M3 value is an f32 with at most four significant bits), through byte tables ({@link
 * E4m3Tables}) where the CPU has AVX-512 VBMI and arithmetically ({@link #widenArithmetic})
 * elsewhere, to the same values.
 *
 * <p>One activation row (decode) reads codes straight from memory, four panels at a time (four
 * streams in flight), where the tables widen. More rows (and one, without the tables) widen
 * each panel's scale block once into an f32 buffer that stays in L1 and run every activation
 * row against it: eight rows at a time two panels by eight rows, then one row by four panels.
 */
final class Fp8PanelKernels {
  private Fp8PanelKernels() {}

  private static final int ROWS = Fp8Panels.ROWS;
  /** Activation rows that {@link #order} interleaves together. */
  static final int GROUP = 8;
  /** Columns of a scale block. */
  private static final int BLOCK = WeightMatrix.FP8_BLOCK;
  /** Panels widened and multiplied together. */
  private static final int PANELS = 4;

  private static volatile boolean tables = E4m3Tables.FAST_HERE;

  /** Tests switch between the widenings on one machine (tables only where possible). */
  static void useTables(boolean on) {
    tables = on && E4m3Tables.POSSIBLE;
  }

  static boolean usesTables() {
    return tables;
  }

  private static final ThreadLocal<float[]> WIDE =
      ThreadLocal.withInitial(() -> new float[PANELS * BLOCK * L]);
  private static final ThreadLocal<float[]> TOTALS = ThreadLocal.withInitial(() -> new float[0]);

  /** Floats of one activation row as {@link #order} lays it out: columns padded to quads. */
  static int width(int cols) {
    return Fp8Panels.quads(cols) * 4;
  }

  /** Rows that {@link #order} interleaves: every full group's. */
  static int grouped(int rows) {
    return rows / GROUP * GROUP;
  }

  /**
   * x (rows of cols, row-major) into dst in the order {@link #range} reads, each row {@link
   * #width} floats with zeros after its last column: every full group of {@link #GROUP} rows
   * interleaved by column (column c of the group's row i at 8c + i), the remaining rows as
   * they are. dst holds rows * width floats. (With no full group and no padding, x itself is
   * in that order.)
   */
  static void order(float[] x, int rows, int cols, float[] dst) {
    int width = width(cols);
    int grouped = grouped(rows);
    for (int r0 = 0; r0 < grouped; r0 += GROUP) {
      int base = r0 * width;
      for (int i = 0; i < GROUP; i++) {
        int row = (r0 + i) * cols;
        for (int c = 0; c < cols; c++) {
          dst[base + GROUP * c + i] = x[row + c];
        }
        for (int c = cols; c < width; c++) {
          dst[base + GROUP * c + i] = 0;
        }
      }
    }
    for (int r = grouped; r < rows; r++) {
      System.arraycopy(x, r * cols, dst, r * width, cols);
      Arrays.fill(dst, r * width + cols, (r + 1) * width, 0f);
    }
  }

  /**
   * out[r * w.rows() + o] for output rows [from, to) and every activation row r of x, laid
   * out by {@link #order}.
   */
  static void range(WeightMatrix w, float[] x, float[] out, int rows, int from, int to) {
    if (rows == 1 && tables) {
      decode(w, x, out, from, to);
    } else {
      // Without the tables one row goes this way too: the arithmetic widening of a quad's
      // four codes does not fit C2's inlining budget in one loop beside the products (the
      // vectors are then boxed, measured 2x slower than the buffer).
      batched(w, x, out, rows, from, to);
    }
  }

  /**
   * One activation row, codes widened through the tables straight from memory, four panels at
   * a time; fewer panels left at the end of the range go through the buffer (the same order).
   */
  private static void decode(WeightMatrix w, float[] x, float[] out, int from, int to) {
    float[] tmp = new float[PANELS * L];
    int g = from / ROWS;
    int g1 = (to + ROWS - 1) / ROWS;
    for (; g + PANELS <= g1; g += PANELS) {
      p4r1(w, g, x, tmp);
      store(w, tmp, 0, PANELS, g, 0, out, from, to);
    }
    if (g < g1) {
      batched(w, x, out, 1, Math.max(from, g * ROWS), to);
    }
  }

  /**
   * Results of panels [g, g + panels) for activation row r, at tmp[at + j * L], into out where
   * the output row is in [from, to).
   */
  private static void store(WeightMatrix w, float[] tmp, int at, int panels, int g, int r,
      float[] out, int from, int to) {
    int outDim = w.rows();
    for (int j = 0; j < panels; j++) {
      int first = (g + j) * ROWS;
      int lo = Math.max(from, first);
      int hi = Math.min(Math.min(to, outDim), first + ROWS);
      if (lo < hi) {
        System.arraycopy(tmp, at + j * L + lo - first, out, r * outDim + lo, hi - lo);
      }
    }
  }

  /** The block scales of panel g's rows start here in w.scales(). */
  private static int scaleRow(WeightMatrix w, int g) {
    return g * ROWS / BLOCK * w.scaleCols();
  }

  // The table kernels spell every step of the widening out: behind helpers, more than one
  // panel's worth exceeds what C2 inlines and the vectors get boxed.

  /** Panels g to g + 3 by one activation row, widened through the tables. */
  private static void p4r1(WeightMatrix w, int g, float[] x, float[] tmp) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    int quads = Fp8Panels.quads(cols);
    long step = Fp8Panels.panelBytes(cols);
    long p0 = g * step;
    long p1 = p0 + step;
    long p2 = p1 + step;
    long p3 = p2 + step;
    float[] scales = w.scales();
    int s0 = scaleRow(w, g);
    int s1 = scaleRow(w, g + 1);
    int s2 = scaleRow(w, g + 2);
    int s3 = scaleRow(w, g + 3);
    FloatVector ta = FloatVector.zero(F);
    FloatVector tb = ta;
    FloatVector td = ta;
    FloatVector te = ta;
    for (int b = 0, q0 = 0; q0 < quads; b++, q0 += BLOCK / 4) {
      int q1 = Math.min(quads, q0 + BLOCK / 4);
      FloatVector a = FloatVector.zero(F);
      FloatVector bb = a;
      FloatVector d = a;
      FloatVector e = a;
      for (int q = q0; q < q1; q++) {
        long off = (long) q * (4 * ROWS);
        FloatVector x0 = FloatVector.broadcast(F, x[4 * q]);
        FloatVector x1 = FloatVector.broadcast(F, x[4 * q + 1]);
        FloatVector x2 = FloatVector.broadcast(F, x[4 * q + 2]);
        FloatVector x3 = FloatVector.broadcast(F, x[4 * q + 3]);
        ByteVector codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, p0 + off, Simd.LE);
        IntVector top = codes.selectFrom(E4m3Tables.TOP_LOW, E4m3Tables.TOP_HIGH)
            .or(codes.and(E4m3Tables.SIGN)).reinterpretAsInts();
        IntVector next = codes.selectFrom(E4m3Tables.NEXT_LOW, E4m3Tables.NEXT_HIGH)
            .reinterpretAsInts();
        IntVector even = next.bitwiseBlend(top.lanewise(VectorOperators.LSHL, 8),
            E4m3Tables.ODD_BYTES);
        IntVector odd = top.bitwiseBlend(next.lanewise(VectorOperators.LSHR, 8),
            E4m3Tables.EVEN_BYTES);
        a = even.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, a);
        a = odd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x1, a);
        a = even.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x2, a);
        a = odd.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x3, a);
        codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, p1 + off, Simd.LE);
        top = codes.selectFrom(E4m3Tables.TOP_LOW, E4m3Tables.TOP_HIGH)
            .or(codes.and(E4m3Tables.SIGN)).reinterpretAsInts();
        next = codes.selectFrom(E4m3Tables.NEXT_LOW, E4m3Tables.NEXT_HIGH).reinterpretAsInts();
        even = next.bitwiseBlend(top.lanewise(VectorOperators.LSHL, 8),
            E4m3Tables.ODD_BYTES);
        odd = top.bitwiseBlend(next.lanewise(VectorOperators.LSHR, 8),
            E4m3Tables.EVEN_BYTES);
        bb = even.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, bb);
        bb = odd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x1, bb);
        bb = even.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x2, bb);
        bb = odd.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x3, bb);
        codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, p2 + off, Simd.LE);
        top = codes.selectFrom(E4m3Tables.TOP_LOW, E4m3Tables.TOP_HIGH)
            .or(codes.and(E4m3Tables.SIGN)).reinterpretAsInts();
        next = codes.selectFrom(E4m3Tables.NEXT_LOW, E4m3Tables.NEXT_HIGH).reinterpretAsInts();
        even = next.bitwiseBlend(top.lanewise(VectorOperators.LSHL, 8),
            E4m3Tables.ODD_BYTES);
        odd = top.bitwiseBlend(next.lanewise(VectorOperators.LSHR, 8),
            E4m3Tables.EVEN_BYTES);
        d = even.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, d);
        d = odd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x1, d);
        d = even.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x2, d);
        d = odd.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x3, d);
        codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, p3 + off, Simd.LE);
        top = codes.selectFrom(E4m3Tables.TOP_LOW, E4m3Tables.TOP_HIGH)
            .or(codes.and(E4m3Tables.SIGN)).reinterpretAsInts();
        next = codes.selectFrom(E4m3Tables.NEXT_LOW, E4m3Tables.NEXT_HIGH).reinterpretAsInts();
        even = next.bitwiseBlend(top.lanewise(VectorOperators.LSHL, 8),
            E4m3Tables.ODD_BYTES);
        odd = top.bitwiseBlend(next.lanewise(VectorOperators.LSHR, 8),
            E4m3Tables.EVEN_BYTES);
        e = even.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x0, e);
        e = odd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x1, e);
        e = even.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x2, e);
        e = odd.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().fma(x3, e);
      }
      ta = a.fma(FloatVector.broadcast(F, scales[s0 + b]), ta);
      tb = bb.fma(FloatVector.broadcast(F, scales[s1 + b]), tb);
      td = d.fma(FloatVector.broadcast(F, scales[s2 + b]), td);
      te = e.fma(FloatVector.broadcast(F, scales[s3 + b]), te);
    }
    ta.intoArray(tmp, 0);
    tb.intoArray(tmp, L);
    td.intoArray(tmp, 2 * L);
    te.intoArray(tmp, 3 * L);
  }

  /**
   * Several activation rows: per block of four panels, per scale block, the panels' codes
   * widen once into an f32 buffer (panel j's column c at (j * 128 + c) * L), every activation
   * row runs against it, and each result's total takes the block's partial sum.
   */
  private static void batched(WeightMatrix w, float[] x, float[] out, int rows, int from,
      int to) {
    int cols = w.cols();
    int quads = Fp8Panels.quads(cols);
    int width = quads * 4;
    int grouped = grouped(rows);
    float[] wide = WIDE.get();
    float[] totals = TOTALS.get();
    if (totals.length < rows * PANELS * L) {
      totals = new float[rows * PANELS * L];
      TOTALS.set(totals);
    }
    float[] scales = w.scales();
    float[] s = new float[PANELS];
    int g1 = (to + ROWS - 1) / ROWS;
    for (int g = from / ROWS; g < g1; g += PANELS) {
      int panels = Math.min(PANELS, g1 - g);
      Arrays.fill(totals, 0, rows * PANELS * L, 0f);
      for (int b = 0, q0 = 0; q0 < quads; b++, q0 += BLOCK / 4) {
        int n = 4 * (Math.min(quads, q0 + BLOCK / 4) - q0); // columns in this block
        for (int j = 0; j < PANELS; j++) {
          if (j < panels) {
            widen(w, g + j, q0, n / 4, wide, j * BLOCK * L);
            s[j] = scales[scaleRow(w, g + j) + b];
          } else {
            Arrays.fill(wide, j * BLOCK * L, (j + 1) * BLOCK * L, 0f);
            s[j] = 0;
          }
        }
        int r = 0;
        for (; r < grouped; r += GROUP) {
          int xAt = r * width + GROUP * 4 * q0;
          p2r8(wide, 0, n, x, xAt, totals, r, s[0], s[1]);
          p2r8(wide, 2, n, x, xAt, totals, r, s[2], s[3]);
        }
        for (; r < rows; r++) {
          p4r1Wide(wide, n, x, r * width + 4 * q0, totals, r, s);
        }
      }
      for (int r = 0; r < rows; r++) {
        store(w, totals, r * PANELS * L, panels, g, r, out, from, to);
      }
    }
  }

  /** Quads [q0, q0 + n) of panel g as f32 into wide[at + (4 (q - q0) + k) L]. */
  private static void widen(WeightMatrix w, int g, int q0, int n, float[] wide, int at) {
    long p0 = g * Fp8Panels.panelBytes(w.cols()) + (long) q0 * (4 * ROWS);
    if (tables) {
      widenThroughTables(w.data(), p0, n, wide, at);
    } else {
      widenArithmetic(w.data(), p0, n, wide, at);
    }
  }

  /** The quads' codes widened through the tables, spelled out as in {@link #p4r1}. */
  private static void widenThroughTables(MemorySegment seg, long p0, int n, float[] wide,
      int at) {
    for (int i = 0; i < n; i++) {
      ByteVector codes = ByteVector.fromMemorySegment(
          E4m3Tables.CODES, seg, p0 + (long) i * (4 * ROWS), Simd.LE);
      IntVector top = codes.selectFrom(E4m3Tables.TOP_LOW, E4m3Tables.TOP_HIGH)
          .or(codes.and(E4m3Tables.SIGN)).reinterpretAsInts();
      IntVector next = codes.selectFrom(E4m3Tables.NEXT_LOW, E4m3Tables.NEXT_HIGH)
          .reinterpretAsInts();
      IntVector even = next.bitwiseBlend(top.lanewise(VectorOperators.LSHL, 8),
          E4m3Tables.ODD_BYTES);
      IntVector odd = top.bitwiseBlend(next.lanewise(VectorOperators.LSHR, 8),
          E4m3Tables.EVEN_BYTES);
      int o = at + 4 * i * L;
      even.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(wide, o);
      odd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(wide, o + L);
      even.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().intoArray(wide, o + 2 * L);
      odd.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().intoArray(wide, o + 3 * L);
    }
  }

  /**
   * The quads' codes widened arithmetically, exactly (NaN codes excepted). The 7-bit magnitude
   * is placed in f32 position with exponent bias 120, which is exact for normal codes
   * (exponent field 1..15); a subnormal code (field 0) then reads as 2^-7 (1 + m/8) and its
   * true value 2^-6 m/8 is 2f - 2^-6 (one fused multiply-add, exact because the result is
   * representable). For normal codes 2f - 2^-6 >= f, for subnormal codes it is < f: the smaller
   * of the two is the value in every case, and no f32 subnormal ever appears (an operation on
   * one takes a microcode assist, measured 65x slower here). The sign is put back last.
   *
   * <p>Every step is spelled out: through helper methods, C2 ran out of inlining budget in the
   * methods this is inlined into and boxed the vectors (measured 2-5x slower).
   */
  private static void widenArithmetic(MemorySegment seg, long p0, int n, float[] wide, int at) {
    for (int i = 0; i < n; i++) {
      IntVector v = Simd.ints(seg, p0 + (long) i * (4 * ROWS));
      int o = at + 4 * i * L;
      for (int k = 0; k < 4; k++) {
        // code k at the top byte; magnitude in f32 position with exponent bias 120
        IntVector top = v.lanewise(VectorOperators.LSHL, 24 - 8 * k);
        IntVector f = top.lanewise(VectorOperators.LSHR, 4).and(0x07F00000).add(120 << 23);
        // the smaller of f and 2f - 2^-6 is the value (normal and subnormal codes alike)
        IntVector m = f.min(f.reinterpretAsFloats().fma(TWO, MINUS_2_POW_M6).reinterpretAsInts());
        m.or(top.and(0x80000000)).reinterpretAsFloats().intoArray(wide, o + k * L);
      }
    }
  }

  private static final FloatVector TWO = FloatVector.broadcast(F, 2f);
  private static final FloatVector MINUS_2_POW_M6 = FloatVector.broadcast(F, -0x1p-6f);

  /**
   * Widened panels j and j + 1 (n columns) by the eight interleaved activation rows from
   * x[xAt] (column c of row i at xAt + 8c + i); each partial sum, times its panel's scale, is
   * added to its total.
   */
  private static void p2r8(float[] wide, int j, int n, float[] x, int xAt, float[] totals,
      int r, float sa, float sb) {
    int wa = j * BLOCK * L;
    int wb = wa + BLOCK * L;
    FloatVector a0 = FloatVector.zero(F); // panel j, activation rows r to r + 7
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector b0 = a0; // panel j + 1
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    FloatVector b4 = a0;
    FloatVector b5 = a0;
    FloatVector b6 = a0;
    FloatVector b7 = a0;
    for (int c = 0; c < n; c++) {
      FloatVector va = FloatVector.fromArray(F, wide, wa + c * L);
      FloatVector vb = FloatVector.fromArray(F, wide, wb + c * L);
      int xc = xAt + GROUP * c;
      FloatVector xr = FloatVector.broadcast(F, x[xc]);
      a0 = va.fma(xr, a0);
      b0 = vb.fma(xr, b0);
      xr = FloatVector.broadcast(F, x[xc + 1]);
      a1 = va.fma(xr, a1);
      b1 = vb.fma(xr, b1);
      xr = FloatVector.broadcast(F, x[xc + 2]);
      a2 = va.fma(xr, a2);
      b2 = vb.fma(xr, b2);
      xr = FloatVector.broadcast(F, x[xc + 3]);
      a3 = va.fma(xr, a3);
      b3 = vb.fma(xr, b3);
      xr = FloatVector.broadcast(F, x[xc + 4]);
      a4 = va.fma(xr, a4);
      b4 = vb.fma(xr, b4);
      xr = FloatVector.broadcast(F, x[xc + 5]);
      a5 = va.fma(xr, a5);
      b5 = vb.fma(xr, b5);
      xr = FloatVector.broadcast(F, x[xc + 6]);
      a6 = va.fma(xr, a6);
      b6 = vb.fma(xr, b6);
      xr = FloatVector.broadcast(F, x[xc + 7]);
      a7 = va.fma(xr, a7);
      b7 = vb.fma(xr, b7);
    }
    FloatVector scaleA = FloatVector.broadcast(F, sa);
    FloatVector scaleB = FloatVector.broadcast(F, sb);
    int t = (r * PANELS + j) * L; // row r's totals of panel j; row r + i's are i * PANELS * L on
    int row = PANELS * L;
    a0.fma(scaleA, FloatVector.fromArray(F, totals, t)).intoArray(totals, t);
    b0.fma(scaleB, FloatVector.fromArray(F, totals, t + L)).intoArray(totals, t + L);
    a1.fma(scaleA, FloatVector.fromArray(F, totals, t + row)).intoArray(totals, t + row);
    b1.fma(scaleB, FloatVector.fromArray(F, totals, t + row + L)).intoArray(totals, t + row + L);
    a2.fma(scaleA, FloatVector.fromArray(F, totals, t + 2 * row)).intoArray(totals, t + 2 * row);
    b2.fma(scaleB, FloatVector.fromArray(F, totals, t + 2 * row + L))
        .intoArray(totals, t + 2 * row + L);
    a3.fma(scaleA, FloatVector.fromArray(F, totals, t + 3 * row)).intoArray(totals, t + 3 * row);
    b3.fma(scaleB, FloatVector.fromArray(F, totals, t + 3 * row + L))
        .intoArray(totals, t + 3 * row + L);
    a4.fma(scaleA, FloatVector.fromArray(F, totals, t + 4 * row)).intoArray(totals, t + 4 * row);
    b4.fma(scaleB, FloatVector.fromArray(F, totals, t + 4 * row + L))
        .intoArray(totals, t + 4 * row + L);
    a5.fma(scaleA, FloatVector.fromArray(F, totals, t + 5 * row)).intoArray(totals, t + 5 * row);
    b5.fma(scaleB, FloatVector.fromArray(F, totals, t + 5 * row + L))
        .intoArray(totals, t + 5 * row + L);
    a6.fma(scaleA, FloatVector.fromArray(F, totals, t + 6 * row)).intoArray(totals, t + 6 * row);
    b6.fma(scaleB, FloatVector.fromArray(F, totals, t + 6 * row + L))
        .intoArray(totals, t + 6 * row + L);
    a7.fma(scaleA, FloatVector.fromArray(F, totals, t + 7 * row)).intoArray(totals, t + 7 * row);
    b7.fma(scaleB, FloatVector.fromArray(F, totals, t + 7 * row + L))
        .intoArray(totals, t + 7 * row + L);
  }

  /**
   * The four widened panels (n columns) by one activation row from x[xAt] (in column order);
   * each partial sum, times its panel's scale, is added to its total.
   */
  private static void p4r1Wide(float[] wide, int n, float[] x, int xAt, float[] totals, int r,
      float[] s) {
    FloatVector a = FloatVector.zero(F);
    FloatVector b = a;
    FloatVector d = a;
    FloatVector e = a;
    for (int c = 0; c < n; c++) {
      FloatVector xr = FloatVector.broadcast(F, x[xAt + c]);
      a = FloatVector.fromArray(F, wide, c * L).fma(xr, a);
      b = FloatVector.fromArray(F, wide, (BLOCK + c) * L).fma(xr, b);
      d = FloatVector.fromArray(F, wide, (2 * BLOCK + c) * L).fma(xr, d);
      e = FloatVector.fromArray(F, wide, (3 * BLOCK + c) * L).fma(xr, e);
    }
    int t = r * PANELS * L;
    a.fma(FloatVector.broadcast(F, s[0]), FloatVector.fromArray(F, totals, t))
        .intoArray(totals, t);
    b.fma(FloatVector.broadcast(F, s[1]), FloatVector.fromArray(F, totals, t + L))
        .intoArray(totals, t + L);
    d.fma(FloatVector.broadcast(F, s[2]), FloatVector.fromArray(F, totals, t + 2 * L))
        .intoArray(totals, t + 2 * L);
    e.fma(FloatVector.broadcast(F, s[3]), FloatVector.fromArray(F, totals, t + 3 * L))
        .intoArray(totals, t + 3 * L);
  }
}
