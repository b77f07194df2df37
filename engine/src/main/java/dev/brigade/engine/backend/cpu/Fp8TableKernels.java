package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Fp8Kernels}' row product (two rows at a time) and widening with each group's codes
 * widened through {@link E4m3Tables}. Same slots, same values, same reduction order, so the
 * same bits; one pass over the row, as the table widening is small enough for C2 to inline all
 * four slots.
 */
final class Fp8TableKernels {
  private Fp8TableKernels() {}

  private static final int GROUP = Fp8Kernels.SLOTS * L;

  /**
   * {@link Fp8Kernels#row} of rows o and o2 in one pass over both: two streams of memory in
   * flight instead of one, the same bits. o2 may be o, for a row left alone (it is then
   * computed twice, to the same value). Every step of the widening is written out here: behind
   * the helpers, two rows' worth exceeds what C2 inlines and the vectors get boxed. lanes holds
   * 8L floats.
   */
  static void rows2(WeightMatrix w, int o, int o2, float[] xp, float[] lanes, float[] out) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    long row2 = (long) o2 * cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    int full = cols - cols % GROUP;
    for (int i = 0; i < full; i += GROUP) {
      FloatVector x0 = FloatVector.fromArray(F, xp, i);
      FloatVector x1 = FloatVector.fromArray(F, xp, i + L);
      FloatVector x2 = FloatVector.fromArray(F, xp, i + 2 * L);
      FloatVector x3 = FloatVector.fromArray(F, xp, i + 3 * L);
      float s = w.scale(o, i);
      ByteVector codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, row + i, Simd.LE);
      ShortVector top = codes.selectFrom(E4m3Tables.TOP_LOW, E4m3Tables.TOP_HIGH)
          .or(codes.and(E4m3Tables.SIGN)).reinterpretAsShorts();
      ShortVector next = codes.selectFrom(E4m3Tables.NEXT_LOW, E4m3Tables.NEXT_HIGH)
          .reinterpretAsShorts();
      IntVector even = top.lanewise(VectorOperators.LSHL, 8)
          .or(next.and(E4m3Tables.LOW_BYTES)).reinterpretAsInts();
      IntVector odd = top.and(E4m3Tables.HIGH_BYTES)
          .or(next.lanewise(VectorOperators.LSHR, 8)).reinterpretAsInts();
      a0 = even.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().mul(s).fma(x0, a0);
      a1 = odd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().mul(s).fma(x1, a1);
      a2 = even.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().mul(s).fma(x2, a2);
      a3 = odd.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().mul(s).fma(x3, a3);
      s = w.scale(o2, i);
      codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, row2 + i, Simd.LE);
      top = codes.selectFrom(E4m3Tables.TOP_LOW, E4m3Tables.TOP_HIGH)
          .or(codes.and(E4m3Tables.SIGN)).reinterpretAsShorts();
      next = codes.selectFrom(E4m3Tables.NEXT_LOW, E4m3Tables.NEXT_HIGH).reinterpretAsShorts();
      even = top.lanewise(VectorOperators.LSHL, 8)
          .or(next.and(E4m3Tables.LOW_BYTES)).reinterpretAsInts();
      odd = top.and(E4m3Tables.HIGH_BYTES)
          .or(next.lanewise(VectorOperators.LSHR, 8)).reinterpretAsInts();
      b0 = even.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().mul(s).fma(x0, b0);
      b1 = odd.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().mul(s).fma(x1, b1);
      b2 = even.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().mul(s).fma(x2, b2);
      b3 = odd.and(E4m3Tables.HIGH_WORDS).reinterpretAsFloats().mul(s).fma(x3, b3);
    }
    a0.intoArray(lanes, 0);
    a1.intoArray(lanes, L);
    a2.intoArray(lanes, 2 * L);
    a3.intoArray(lanes, 3 * L);
    b0.intoArray(lanes, 4 * L);
    b1.intoArray(lanes, 5 * L);
    b2.intoArray(lanes, 6 * L);
    b3.intoArray(lanes, 7 * L);
    out[o] = finish(w, o, xp, lanes, 0);
    out[o2] = finish(w, o2, xp, lanes, 4 * L);
  }

  /**
   * Row o's result from its four slot accumulators at lanes[at, at + 4L): the full vectors
   * after the last group go to accumulator 0, the four are added as (a0 + a1) + (a2 + a3), the
   * lanes summed, then the last columns one by one (the order of {@link Fp8Kernels}).
   */
  private static float finish(WeightMatrix w, int o, float[] xp, float[] lanes, int at) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    FloatVector a0 = FloatVector.fromArray(F, lanes, at);
    for (int i = cols - cols % GROUP; i + L <= cols; i += L) {
      float s = w.scale(o, i);
      a0 = Simd.e4m3(seg, row + i).mul(s).fma(FloatVector.fromArray(F, xp, i), a0);
    }
    a0.add(FloatVector.fromArray(F, lanes, at + L))
        .add(FloatVector.fromArray(F, lanes, at + 2 * L)
            .add(FloatVector.fromArray(F, lanes, at + 3 * L)))
        .intoArray(lanes, at);
    float sum = Simd.sumLanes(lanes, at);
    for (int c = cols - cols % L; c < cols; c++) {
      sum = Math.fma(w.get(o, c), xp[c], sum);
    }
    return sum;
  }

  /** See {@link Fp8Kernels#widen}. */
  static void widen(WeightMatrix w, int o, float[] dst, int at) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    int full = cols - cols % GROUP;
    for (int i = 0; i < full; i += GROUP) {
      float s = w.scale(o, i);
      ByteVector codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, row + i, Simd.LE);
      ShortVector top = E4m3Tables.top(codes);
      ShortVector next = E4m3Tables.next(codes);
      IntVector even = E4m3Tables.evenWords(top, next);
      IntVector odd = E4m3Tables.oddWords(top, next);
      E4m3Tables.lowWord(even).mul(s).intoArray(dst, at + i);
      E4m3Tables.lowWord(odd).mul(s).intoArray(dst, at + i + L);
      E4m3Tables.highWord(even).mul(s).intoArray(dst, at + i + 2 * L);
      E4m3Tables.highWord(odd).mul(s).intoArray(dst, at + i + 3 * L);
    }
    Fp8Kernels.widenAfterGroups(w, o, dst, at);
  }
}
