package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.F;

import dev.brigade.engine.numeric.Fp8E4m3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F8_E4M3 codes widened through byte tables, a whole vector of codes at a time.
 *
 * <p>Every E4M3 value, subnormals included, is an f32 whose low 16 bits are zero (at most
 * four significant bits). So a code's f32 is two bytes: the top byte (sign, 7 exponent bits)
 * and the next (last exponent bit, mantissa). Two 128-entry byte tables, indexed by the code's
 * low 7 bits, give them for 4L codes in one two-vector permute each (AVX-512 VBMI's
 * vpermi2b); the sign bit is then copied in. Pairing the two bytes into 16-bit words and the
 * words into ints yields, for 4L codes loaded from {@link Fp8Panels}, the L rows' four
 * columns (codes 4k, 4k + 1, 4k + 2 and 4k + 3 of int k), with
 * exactly the values of {@link Fp8E4m3#toFloat} (the NaN codes included). About a third of the
 * vector operations of the arithmetic widening, which is what bounds FP8 decode on a CPU.
 *
 * <p>Only worth it where that permute is one instruction: 512-bit vectors and VBMI. Elsewhere
 * the Vector API emulates it, many times slower, and the kernels widen arithmetically.
 */
final class E4m3Tables {
  private E4m3Tables() {}

  private static final Logger LOG = Logger.getLogger(E4m3Tables.class.getName());

  /** As many byte lanes as a vector of F holds: 4L codes. */
  static final VectorSpecies<Byte> CODES = VectorSpecies.of(byte.class, F.vectorShape());

  /** Whether the tables can be used at all: two vectors must hold all 128 magnitudes. */
  static final boolean POSSIBLE = CODES.length() == 64;

  /**
   * Whether this machine widens through the tables: where possible and the CPU has AVX-512
   * VBMI, unless the system property {@code brigade.fp8.tables} says true or false.
   */
  static final boolean FAST_HERE = POSSIBLE && decideFastHere();

  // Byte 3 (sign clear) and byte 2 of each magnitude's f32, codes 0-63 then 64-127, and the
  // masks that pair them; the kernels spell the steps out (see Fp8PanelKernels#p4r1).
  static final ByteVector TOP_LOW = table(3, 0);
  static final ByteVector TOP_HIGH = table(3, 64);
  static final ByteVector NEXT_LOW = table(2, 0);
  static final ByteVector NEXT_HIGH = table(2, 64);
  static final ByteVector SIGN = ByteVector.broadcast(CODES, (byte) 0x80);
  // Byte 1 and 3 of each int, and bytes 0 and 2: pairing is a bitwise select with one of them.
  static final IntVector ODD_BYTES = IntVector.broadcast(Simd.I, 0xFF00FF00);
  static final IntVector EVEN_BYTES = IntVector.broadcast(Simd.I, 0x00FF00FF);
  static final IntVector HIGH_WORDS = IntVector.broadcast(Simd.I, 0xFFFF0000);

  /** Byte {@code b} of the f32 of each magnitude code from {@code first}, one vector's worth. */
  private static ByteVector table(int b, int first) {
    byte[] bytes = new byte[CODES.length()];
    for (int k = 0; k < bytes.length; k++) {
      int code = (first + k) & 0x7F; // with fewer than 64 lanes the tables go unused
      bytes[k] = (byte) (Float.floatToRawIntBits(Fp8E4m3.toFloat((byte) code)) >>> (8 * b));
    }
    return ByteVector.fromArray(CODES, bytes, 0);
  }

  private static boolean decideFastHere() {
    String forced = System.getProperty("brigade.fp8.tables");
    if (forced != null) {
      return Boolean.parseBoolean(forced);
    }
    boolean fast = cpuFlag("avx512vbmi");
    LOG.fine(() -> "FP8 weights widen " + (fast ? "through byte tables" : "arithmetically"));
    return fast;
  }

  /** Whether /proc/cpuinfo lists {@code flag} (false where there is no such file). */
  private static boolean cpuFlag(String flag) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
            if (f.equals(flag)) {
              return true;
            }
          }
          return false;
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      return false;
    }
    return false;
  }
}
