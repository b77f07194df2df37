package dev.brigade.engine.backend.cpu;

import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import java.lang.foreign.MemorySegment;

/**
 * Vector shapes of this machine and the exact widening loads of stored dtypes into f32 lanes.
 *
 * <p>Widening is exact: bf16 is the high half of an f32; an f16 or F8_E4M3 code's sign,
 * exponent and mantissa are moved to the f32 positions and the exponent rebiased in the integer
 * domain (see {@link #rebias}). Only f16 inf/NaN and the E4M3 NaN codes widen to large finite
 * values instead; the quantiser and checkpoints produce none.
 */
final class Simd {
  private Simd() {}

  /** f32 lanes: the machine's preferred width, kept within 256..512 bits (8..16 lanes). */
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() < 8
      ? FloatVector.SPECIES_256
      : FloatVector.SPECIES_PREFERRED.length() > 16
          ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  /** As many 16-bit lanes as f32 lanes, in half the bits. */
  static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  /** L f16 values at byte offset {@code at}, widened exactly (inf/NaN excepted). */
  static FloatVector f16(MemorySegment seg, long at) {
    IntVector h = (IntVector) ShortVector.fromMemorySegment(S, seg, at, LE)
        .convertShape(VectorOperators.S2I, I, 0);
    return rebias(h.lanewise(VectorOperators.LSHL, 13), 0x0FFFE000, 112);
  }

  /**
   * A sign-extended small-float code shifted so its exponent and mantissa sit in f32 position
   * ({@code magnitudeMask} selects them): adds {@code bias} to the exponent in the integer
   * domain. Zero and subnormal codes (exponent field 0) get exponent 1 instead - the value
   * with an implicit leading 1 - and that 1 (2^(1 - smallBias)) is then subtracted, exactly.
   * No float operation ever sees an f32 subnormal (those take microcode assists on x86 and
   * made such weights many times slower), and no lane masks are needed: the exponent-0 test is
   * the sign of (magnitude - 2^23).
   */
  private static FloatVector rebias(IntVector shifted, int magnitudeMask, int bias) {
    IntVector magnitude = shifted.and(magnitudeMask);
    IntVector sign = shifted.and(0x80000000);
    IntVector subnormal = magnitude.sub(1 << 23).lanewise(VectorOperators.LSHR, 31); // 1 or 0
    IntVector exponent = subnormal.lanewise(VectorOperators.LSHL, 23).add(bias << 23);
    IntVector implicitOne = subnormal.neg().and((bias + 1) << 23); // 2^(1 - smallBias) or +0
    FloatVector value = magnitude.add(exponent).reinterpretAsFloats()
        .sub(implicitOne.reinterpretAsFloats());
    return value.reinterpretAsInts().or(sign).reinterpretAsFloats();
  }

  /** L little-endian ints (2L bf16 values or 4L FP8 codes) at byte offset {@code at}. */
  static IntVector ints(MemorySegment seg, long at) {
    return IntVector.fromMemorySegment(I, seg, at, LE);
  }

  static FloatVector f32(MemorySegment seg, long at) {
    return FloatVector.fromMemorySegment(F, seg, at, LE);
  }

  /**
   * (a + b) + (c + d) lane by lane, then the L lanes summed pairwise in one fixed tree order
   * ((l0 + l1) + (l2 + l3)) + ...; the same in every JIT state, unlike reduceLanes, whose order
   * is left to the implementation. {@code lanes} is scratch space of L floats; going through it
   * keeps the vectors in registers (a vector passed to a call that is not inlined is boxed).
   */
  static float sum(FloatVector a, FloatVector b, FloatVector c, FloatVector d, float[] lanes) {
    a.add(b).add(c.add(d)).intoArray(lanes, 0);
    return sumLanes(lanes);
  }

  /** Pairwise sum of the first L values: each level adds neighbours, L/2 sums, then L/4, ... */
  static float sumLanes(float[] v) {
    return sumLanes(v, 0);
  }

  /** {@link #sumLanes(float[])} of the L values from v[at]. */
  static float sumLanes(float[] v, int at) {
    float s0 = (v[at] + v[at + 1]) + (v[at + 2] + v[at + 3]);
    float s1 = (v[at + 4] + v[at + 5]) + (v[at + 6] + v[at + 7]);
    if (L == 8) {
      return s0 + s1;
    }
    float s2 = (v[at + 8] + v[at + 9]) + (v[at + 10] + v[at + 11]);
    float s3 = (v[at + 12] + v[at + 13]) + (v[at + 14] + v[at + 15]);
    return (s0 + s1) + (s2 + s3);
  }
}
