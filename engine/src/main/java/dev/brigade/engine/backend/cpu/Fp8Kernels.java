package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * F8_E4M3 weights (times their 128x128 block scales) with f32 activations. One load of L ints
 * holds a group of 4L columns; byte k of every int widens to slot k ({@link Simd#e4m3Byte}),
 * so activations come permuted by {@link ColumnOrder} with 4 slots.
 *
 * <p>Reduction order of every result: accumulator k sums slot k's products (each weight
 * already multiplied by its block scale) over the groups in turn, the full vectors after the
 * last group go to accumulator 0 in column order, {@link Simd#sum(FloatVector, FloatVector,
 * FloatVector, FloatVector, float[])} adds the four and sums the lanes, and the last columns
 * are added one by one. {@link #widen} lays a row out in exactly this order, so the widened
 * multi-row kernels of {@link MatmulKernels} compute the same values in the same order.
 */
final class Fp8Kernels {
  private Fp8Kernels() {}

  static final int SLOTS = 4;
  private static final int GROUP = 4 * L;

  /**
   * Whether groups widen through {@link E4m3Tables} (same bits, fewer operations). Set where
   * that is fast; tests switch it to check both ways.
   */
  private static volatile boolean tables = E4m3Tables.FAST_HERE;

  /** Switches the table widening on where it is {@link E4m3Tables#POSSIBLE}, or off. */
  static void useTables(boolean on) {
    tables = on && E4m3Tables.POSSIBLE;
  }

  static boolean usesTables() {
    return tables;
  }

  /**
   * Weight row o with the (permuted) activation row at xp[0], widened arithmetically ({@link
   * #rows} goes through the tables where they are fast); lanes is scratch of 2L floats. Two
   * passes over the row (the second reads it from cache), slots 0 and 1 then slots 2 and 3:
   * four conversions in one method exceed what C2 inlines in one compilation, and a conversion
   * left as a call boxes every vector it touches. The accumulators are independent, so the
   * passes give exactly the values one pass would.
   */
  static float row(WeightMatrix w, int o, float[] xp, float[] lanes) {
    slots01(w, o, xp, lanes);
    slots23(w, o, xp, lanes);
    FloatVector.fromArray(F, lanes, 0).add(FloatVector.fromArray(F, lanes, L))
        .intoArray(lanes, 0);
    float sum = Simd.sumLanes(lanes);
    int cols = w.cols();
    for (int i = cols - cols % L; i < cols; i++) {
      sum = Math.fma(w.get(o, i), xp[i], sum);
    }
    return sum;
  }

  /**
   * {@link #row} of rows o and o2 into out[o] and out[o2], two rows per pass where the tables
   * widen; o2 may be o, for a row alone. lanes is scratch of 8L floats.
   */
  static void rows(WeightMatrix w, int o, int o2, float[] xp, float[] lanes, float[] out) {
    if (tables) {
      Fp8TableKernels.rows2(w, o, o2, xp, lanes, out);
      return;
    }
    out[o] = row(w, o, xp, lanes);
    if (o2 != o) {
      out[o2] = row(w, o2, xp, lanes);
    }
  }

  /** a0 + a1 into lanes: slots 0 and 1 of every group, then the vectors after the groups. */
  private static void slots01(WeightMatrix w, int o, float[] xp, float[] lanes) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    int full = cols - cols % GROUP;
    int i = 0;
    for (; i < full; i += GROUP) {
      float s = w.scale(o, i);
      IntVector v = Simd.ints(seg, row + i);
      a0 = Simd.e4m3Byte(v, 0).mul(s).fma(FloatVector.fromArray(F, xp, i), a0);
      a1 = Simd.e4m3Byte(v, 1).mul(s).fma(FloatVector.fromArray(F, xp, i + L), a1);
    }
    for (; i + L <= cols; i += L) {
      float s = w.scale(o, i);
      a0 = Simd.e4m3(seg, row + i).mul(s).fma(FloatVector.fromArray(F, xp, i), a0);
    }
    a0.add(a1).intoArray(lanes, 0);
  }

  /** a2 + a3 into lanes[L, 2L): slots 2 and 3 of every group. */
  private static void slots23(WeightMatrix w, int o, float[] xp, float[] lanes) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = a2;
    int full = cols - cols % GROUP;
    for (int i = 0; i < full; i += GROUP) {
      float s = w.scale(o, i);
      IntVector v = Simd.ints(seg, row + i);
      a2 = Simd.e4m3Byte(v, 2).mul(s).fma(FloatVector.fromArray(F, xp, i + 2 * L), a2);
      a3 = Simd.e4m3Byte(v, 3).mul(s).fma(FloatVector.fromArray(F, xp, i + 3 * L), a3);
    }
    a2.add(a3).intoArray(lanes, L);
  }

  /**
   * Weight row o as f32 (scaled) into dst[at, at + cols) in slot order: each full group's four
   * slots one after another, then the remaining columns in column order.
   */
  static void widen(WeightMatrix w, int o, float[] dst, int at) {
    if (tables) {
      Fp8TableKernels.widen(w, o, dst, at);
      return;
    }
    widen01(w, o, dst, at);
    widen23(w, o, dst, at);
  }

  /** Slots 0 and 1 of every group, then the columns after the groups (see {@link #row}). */
  private static void widen01(WeightMatrix w, int o, float[] dst, int at) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    int full = cols - cols % GROUP;
    for (int i = 0; i < full; i += GROUP) {
      float s = w.scale(o, i);
      IntVector v = Simd.ints(seg, row + i);
      Simd.e4m3Byte(v, 0).mul(s).intoArray(dst, at + i);
      Simd.e4m3Byte(v, 1).mul(s).intoArray(dst, at + i + L);
    }
    widenAfterGroups(w, o, dst, at);
  }

  /** The columns of row o after its last full group, in column order (see {@link #widen}). */
  static void widenAfterGroups(WeightMatrix w, int o, float[] dst, int at) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    int i = cols - cols % GROUP;
    for (; i + L <= cols; i += L) {
      float s = w.scale(o, i);
      Simd.e4m3(seg, row + i).mul(s).intoArray(dst, at + i);
    }
    for (; i < cols; i++) {
      dst[at + i] = w.get(o, i);
    }
  }

  /** Slots 2 and 3 of every group. */
  private static void widen23(WeightMatrix w, int o, float[] dst, int at) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    int full = cols - cols % GROUP;
    for (int i = 0; i < full; i += GROUP) {
      float s = w.scale(o, i);
      IntVector v = Simd.ints(seg, row + i);
      Simd.e4m3Byte(v, 2).mul(s).intoArray(dst, at + i + 2 * L);
      Simd.e4m3Byte(v, 3).mul(s).intoArray(dst, at + i + 3 * L);
    }
  }
}
