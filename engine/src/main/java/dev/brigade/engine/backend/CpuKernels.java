package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.Bf16;
import dev.brigade.engine.numeric.FloatCodec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD helpers for the per-row ops of {@link CpuBackend} (norms, rotary embeddings, bf16
 * stores); attention's loops are in {@link AttentionKernels}, the matmul kernels in {@link
 * dev.brigade.engine.backend.cpu.MatmulKernels}. They know nothing of the model.
 *
 * <p>Reduction order is fixed: lane j of the accumulator sums elements j, j+L, j+2L, ... with
 * fused multiply-adds in column order; the L lanes are then added one by one in lane order; the
 * columns past the last full vector are added after that, in order. It depends only on the row
 * length and the machine's vector width L, never on the batch, so results are bit-identical for
 * a row alone or in any batch. (lane sums are done by hand: reduceLanes does not promise an
 * order.)
 */
final class CpuKernels {
  private CpuKernels() {}

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
      ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  /** The lanes of acc added one by one in lane order (reduceLanes promises no order). */
  static float sumLanes(FloatVector acc) {
    float[] lanes = acc.toArray();
    float sum = 0;
    for (float lane : lanes) {
      sum += lane;
    }
    return sum;
  }

  /**
   * src[from, from + n) as bf16 at element {@code e} of a segment of shorts, each value rounded
   * exactly as {@link dev.brigade.engine.numeric.Bf16#fromFloat} does (to nearest, ties to
   * even; NaN kept quiet with its sign).
   */
  static void storeBf16(float[] src, int from, MemorySegment seg, long e, int n) {
    int full = n - n % L;
    for (int i = 0; i < full; i += L) {
      bf16Codes(FloatVector.fromArray(F, src, from + i))
          .convertShape(VectorOperators.I2S, S, 0).reinterpretAsShorts()
          .intoMemorySegment(seg, (e + i) * 2, LE);
    }
    for (int i = full; i < n; i++) {
      seg.setAtIndex(HostWeight.SHORT, e + i, Bf16.fromFloat(src[from + i]));
    }
  }

  /** The bf16 code of each lane, in its low 16 bits, rounded as {@link Bf16#fromFloat}. */
  static IntVector bf16Codes(FloatVector x) {
    IntVector bits = x.reinterpretAsInts();
    IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF))
        .lanewise(VectorOperators.LSHR, 16);
    IntVector nan = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
    return rounded.blend(nan, bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000));
  }

  /** out[from + j] = w[j] * (x[from + j] * scale) for j < n, rounded as the scalar expression. */
  static void scaleByWeight(float[] x, int from, float scale, float[] w, float[] out, int n) {
    int full = n - n % L;
    FloatVector s = FloatVector.broadcast(F, scale);
    for (int j = 0; j < full; j += L) {
      FloatVector.fromArray(F, w, j).mul(FloatVector.fromArray(F, x, from + j).mul(s))
          .intoArray(out, from + j);
    }
    for (int j = full; j < n; j++) {
      out[from + j] = w[j] * (x[from + j] * scale);
    }
  }

  /**
   * Rotate-half RoPE of {@code heads} head vectors of d values from x[from]: with a = x[i] and
   * b = x[i + d/2], x[i] = a cos_i - b sin_i and x[i + d/2] = b cos_i + a sin_i, the angles at
   * cos[at + i], sin[at + i]. Products rounded separately, as the scalar expression.
   */
  static void rotateHalf(float[] x, int from, int heads, int d, float[] cos, float[] sin,
      int at) {
    int half = d / 2;
    int full = half - half % L;
    for (int h = 0; h < heads; h++) {
      int base = from + h * d;
      for (int i = 0; i < full; i += L) {
        FloatVector a = FloatVector.fromArray(F, x, base + i);
        FloatVector b = FloatVector.fromArray(F, x, base + half + i);
        FloatVector c = FloatVector.fromArray(F, cos, at + i);
        FloatVector s = FloatVector.fromArray(F, sin, at + i);
        a.mul(c).sub(b.mul(s)).intoArray(x, base + i);
        b.mul(c).add(a.mul(s)).intoArray(x, base + half + i);
      }
      for (int i = full; i < half; i++) {
        float a = x[base + i];
        float b = x[base + half + i];
        x[base + i] = a * cos[at + i] - b * sin[at + i];
        x[base + half + i] = b * cos[at + i] + a * sin[at + i];
      }
    }
  }

  /** Sum of squares of x[from, from + n) in the fixed lane order. */
  static float sumSquares(float[] x, int from, int n) {
    int full = n - n % L;
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < full; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, from + i);
      acc = v.fma(v, acc);
    }
    float sum = sumLanes(acc);
    for (int i = full; i < n; i++) {
      sum = Math.fma(x[from + i], x[from + i], sum);
    }
    return sum;
  }
}
