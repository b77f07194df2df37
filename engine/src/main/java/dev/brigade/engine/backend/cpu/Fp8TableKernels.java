package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;
import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * {@link Fp8Kernels}' row product and widening with each group's codes widened through {@link
 * E4m3Tables}. Same slots, same values, same reduction order, so the same bits; one pass over
 * the row, as the table widening is small enough for C2 to inline all four slots.
 */
final class Fp8TableKernels {
  private Fp8TableKernels() {}

  private static final int GROUP = Fp8Kernels.SLOTS * L;

  /** See {@link Fp8Kernels#row}. */
  static float row(WeightMatrix w, int o, float[] xp, float[] lanes) {
    MemorySegment seg = w.data();
    int cols = w.cols();
    long row = (long) o * cols;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int full = cols - cols % GROUP;
    int i = 0;
    for (; i < full; i += GROUP) {
      float s = w.scale(o, i);
      ByteVector codes = ByteVector.fromMemorySegment(E4m3Tables.CODES, seg, row + i, Simd.LE);
      ShortVector top = E4m3Tables.top(codes);
      ShortVector next = E4m3Tables.next(codes);
      IntVector even = E4m3Tables.evenWords(top, next);
      IntVector odd = E4m3Tables.oddWords(top, next);
      a0 = E4m3Tables.lowWord(even).mul(s).fma(FloatVector.fromArray(F, xp, i), a0);
      a1 = E4m3Tables.lowWord(odd).mul(s).fma(FloatVector.fromArray(F, xp, i + L), a1);
      a2 = E4m3Tables.highWord(even).mul(s).fma(FloatVector.fromArray(F, xp, i + 2 * L), a2);
      a3 = E4m3Tables.highWord(odd).mul(s).fma(FloatVector.fromArray(F, xp, i + 3 * L), a3);
    }
    for (; i + L <= cols; i += L) {
      float s = w.scale(o, i);
      a0 = Simd.e4m3(seg, row + i).mul(s).fma(FloatVector.fromArray(F, xp, i), a0);
    }
    a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
    float sum = Simd.sumLanes(lanes);
    for (int c = cols - cols % L; c < cols; c++) {
      sum = Math.fma(MatmulKernels.weight(w, o, c), xp[c], sum);
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
