package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The in-memory layout of BF16 weights for the CPU kernels: panels of L consecutive rows (L the
 * f32 vector length), each panel stored column pair by column pair. For pair p, the panel
 * holds L ints, int k holding row k's columns 2p (low half) and 2p + 1 (high half). One load of
 * L ints thus widens to the L rows' column 2p (shifted up) and column 2p + 1 (masked), and a
 * product with a broadcast activation gives L outputs at once, with no sum across lanes ever.
 * Rows past the last (in the last panel) are zero; an odd last column sits alone in the low
 * half of its pair.
 */
public final class Bf16Panels {
  private Bf16Panels() {}

  /** Rows per panel. */
  public static final int ROWS = L;

  private static final ValueLayout.OfShort BF16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(Simd.LE);
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(Simd.LE);

  /** Bytes of a [rows, cols] weight in panels. */
  public static long bytes(long rows, long cols) {
    return panels(rows) * pairs(cols) * ROWS * 4L;
  }

  static long panels(long rows) {
    return (rows + ROWS - 1) / ROWS;
  }

  static long pairs(long cols) {
    return (cols + 1) / 2;
  }

  /** Bytes of one panel: all its column pairs. */
  static long panelBytes(int cols) {
    return pairs(cols) * ROWS * 4L;
  }

  /** Byte offset of element (row, col) of a weight with {@code cols} columns. */
  public static long offset(long row, long col, long cols) {
    long pair = (row / ROWS) * pairs(cols) + col / 2;
    return (pair * ROWS + row % ROWS) * 4L + (col % 2) * 2L;
  }

  /** Element (row, col) as f32. */
  public static float get(MemorySegment panels, long row, long col, long cols) {
    return Float.intBitsToFloat(panels.get(BF16, offset(row, col, cols)) << 16);
  }

  /**
   * Lays out a row-major [rows, cols] little-endian BF16 weight as panels into {@code dst}
   * ({@link #bytes} long), padding included.
   */
  public static void pack(MemorySegment rowMajor, long rows, long cols, MemorySegment dst) {
    if (rowMajor.byteSize() < rows * cols * 2 || dst.byteSize() < bytes(rows, cols)) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] BF16 weight needs "
          + rows * cols * 2 + " bytes in and " + bytes(rows, cols) + " out, has "
          + rowMajor.byteSize() + " and " + dst.byteSize());
    }
    dst.fill((byte) 0);
    long pairs = pairs(cols);
    long fullPairs = cols / 2;
    for (long r = 0; r < rows; r++) {
      long src = r * cols * 2;
      long at = ((r / ROWS) * pairs * ROWS + r % ROWS) * 4L;
      for (long p = 0; p < fullPairs; p++) {
        dst.set(INT, at + p * ROWS * 4L, rowMajor.get(INT, src + 4 * p));
      }
      if (cols % 2 == 1) {
        dst.set(BF16, at + fullPairs * ROWS * 4L, rowMajor.get(BF16, src + 4 * fullPairs));
      }
    }
  }
}
