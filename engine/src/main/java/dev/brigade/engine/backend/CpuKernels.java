package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD dot products of stored-dtype weight rows with f32 activations. They know nothing of the
 * model.
 *
 * <p>Reduction order is fixed: lane j of the accumulator sums elements j, j+L, j+2L, ... with
 * fused multiply-adds in column order; the L lanes are then added one by one in lane order; the
 * columns past the last full vector are added after that, in order. It depends only on the row
 * length and the machine's vector width L, never on the batch, so results are bit-identical for
 * a row alone or in any batch. (lane sums are done by hand: reduceLanes does not promise an
 * order.)
 *
 * <p>Dtypes widen to f32 exactly by bit moves: bf16 is the top half of an f32; f16 and FP8 E4M3
 * have their exponent+mantissa shifted into f32 position and the exponent rebiased, subnormals
 * converted from their mantissa. Only f16 inf/NaN and the FP8 NaN code would widen to large
 * finite values instead; checkpoints hold no such weights.
 */
final class CpuKernels {
  private CpuKernels() {}

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
      ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 4));
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  /** L f32 values widened from the weight's stored dtype at element index {@code e}. */
  static FloatVector load(HostWeight w, long e) {
    MemorySegment seg = w.data;
    return switch (w.dtype) {
      case F32 -> FloatVector.fromMemorySegment(F, seg, e * 4, LE);
      case BF16 -> bf16(seg, e);
      case F16 -> f16(seg, e);
      case F8_E4M3 -> fp8(seg, e);
    };
  }

  static FloatVector bf16(MemorySegment seg, long e) {
    IntVector h = (IntVector) ShortVector.fromMemorySegment(S, seg, e * 2, LE)
        .convertShape(VectorOperators.S2I, I, 0);
    return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  /**
   * f16 to f32 without float arithmetic on subnormals (slow on x86): normal values get their
   * exponent rebiased (+112) in the integer domain; subnormals (exponent 0) are mantissa * 2^-24
   * via an exact int-to-float conversion.
   */
  static FloatVector f16(MemorySegment seg, long e) {
    IntVector h = (IntVector) ShortVector.fromMemorySegment(S, seg, e * 2, LE)
        .convertShape(VectorOperators.S2I, I, 0);
    return widen(h, 0x7FFF, 13, 112, 0x7C00, 0x3FF, 0x1p-24f, 16);
  }

  /** FP8 E4M3 to f32 the same way: exponent +120, subnormals mantissa * 2^-9. */
  static FloatVector fp8(MemorySegment seg, long e) {
    IntVector b = (IntVector) ByteVector.fromMemorySegment(B, seg, e, LE)
        .convertShape(VectorOperators.B2I, I, 0);
    return widen(b, 0x7F, 20, 120, 0x78, 0x7, 0x1p-9f, 24);
  }

  private static FloatVector widen(IntVector code, int magnitudeMask, int shift, int rebias,
      int exponentMask, int mantissaMask, float subnormalUnit, int signShift) {
    IntVector normal = code.lanewise(VectorOperators.AND, magnitudeMask)
        .lanewise(VectorOperators.LSHL, shift).add(rebias << 23);
    IntVector subnormal = ((FloatVector) code.lanewise(VectorOperators.AND, mantissaMask)
            .convert(VectorOperators.I2F, 0)).mul(subnormalUnit).reinterpretAsInts();
    VectorMask<Integer> isSubnormal =
        code.lanewise(VectorOperators.AND, exponentMask).compare(VectorOperators.EQ, 0);
    IntVector sign = code.lanewise(VectorOperators.AND, 1 << (31 - signShift))
        .lanewise(VectorOperators.LSHL, signShift);
    return normal.blend(subnormal, isSubnormal).lanewise(VectorOperators.OR, sign)
        .reinterpretAsFloats();
  }

  /** The FP8 block scale of element (row, col), 1 for other dtypes. */
  static float scale(HostWeight w, long row, long col) {
    return w.scales == null ? 1f
        : w.scales[(int) (row / HostWeight.FP8_BLOCK) * w.scaleCols
            + (int) (col / HostWeight.FP8_BLOCK)];
  }

  /**
   * out[r * outStride + o] = dot(w[o, :], x[r * in ...]) for r in [r0, r0 + n), n <= 4: the
   * weight row is read once for up to four activation rows.
   */
  static void dotRows(HostWeight w, long o, float[] x, int in, int r0, int n, float[] out,
      int outStride) {
    long rowStart = o * w.cols;
    int full = in - in % L;
    boolean fp8 = w.scales != null;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int x0 = r0 * in;
    for (int i = 0; i < full; i += L) {
      FloatVector wv = load(w, rowStart + i);
      if (fp8) {
        wv = wv.mul(scale(w, o, i));
      }
      a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
      if (n > 1) {
        a1 = wv.fma(FloatVector.fromArray(F, x, x0 + in + i), a1);
      }
      if (n > 2) {
        a2 = wv.fma(FloatVector.fromArray(F, x, x0 + 2 * in + i), a2);
      }
      if (n > 3) {
        a3 = wv.fma(FloatVector.fromArray(F, x, x0 + 3 * in + i), a3);
      }
    }
    store(w, o, x, in, x0, full, a0, out, r0 * outStride + (int) o);
    if (n > 1) {
      store(w, o, x, in, x0 + in, full, a1, out, (r0 + 1) * outStride + (int) o);
    }
    if (n > 2) {
      store(w, o, x, in, x0 + 2 * in, full, a2, out, (r0 + 2) * outStride + (int) o);
    }
    if (n > 3) {
      store(w, o, x, in, x0 + 3 * in, full, a3, out, (r0 + 3) * outStride + (int) o);
    }
  }

  /** Finishes one dot product: lanes in order, then the tail columns, into out[at]. */
  private static void store(HostWeight w, long o, float[] x, int in, int xr, int full,
      FloatVector acc, float[] out, int at) {
    float sum = sumLanes(acc);
    long rowStart = o * w.cols;
    for (int i = full; i < in; i++) {
      float wi = FloatCodec.get(w.data, w.dtype, rowStart + i);
      if (w.scales != null) {
        wi *= scale(w, o, i);
      }
      sum = Math.fma(wi, x[xr + i], sum);
    }
    out[at] = sum;
  }

  /** The lanes of acc added one by one in lane order (reduceLanes promises no order). */
  static float sumLanes(FloatVector acc) {
    float sum = 0;
    for (int j = 0; j < L; j++) {
      sum += acc.lane(j);
    }
    return sum;
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

  /** Dot product of q[qFrom, +n) with n KV values at element {@code e} of a store segment. */
  static float dotKv(float[] q, int qFrom, MemorySegment kv, long e, int n, boolean bf16) {
    int full = n - n % L;
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < full; i += L) {
      acc = FloatVector.fromArray(F, q, qFrom + i).fma(loadKv(kv, e + i, bf16), acc);
    }
    float sum = sumLanes(acc);
    for (int i = full; i < n; i++) {
      sum = Math.fma(q[qFrom + i], kvAt(kv, e + i, bf16), sum);
    }
    return sum;
  }

  /** out[outFrom, +n) += p * kv[e, +n). */
  static void axpyKv(float p, MemorySegment kv, long e, int n, boolean bf16, float[] out,
      int outFrom) {
    int full = n - n % L;
    FloatVector pv = FloatVector.broadcast(F, p);
    for (int i = 0; i < full; i += L) {
      FloatVector o = FloatVector.fromArray(F, out, outFrom + i);
      loadKv(kv, e + i, bf16).fma(pv, o).intoArray(out, outFrom + i);
    }
    for (int i = full; i < n; i++) {
      out[outFrom + i] = Math.fma(kvAt(kv, e + i, bf16), p, out[outFrom + i]);
    }
  }

  private static FloatVector loadKv(MemorySegment kv, long e, boolean bf16) {
    if (!bf16) {
      return FloatVector.fromMemorySegment(F, kv, e * 4, LE);
    }
    return ((IntVector) ShortVector.fromMemorySegment(S, kv, e * 2, LE)
            .convertShape(VectorOperators.S2I, I, 0))
        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static float kvAt(MemorySegment kv, long e, boolean bf16) {
    return FloatCodec.get(kv, bf16 ? DType.BF16 : DType.F32, e);
  }
}
