package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.L;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The in-memory layout of F8_E4M3 weights for the CPU kernels: panels of L consecutive rows
 * (as {@link Bf16Panels}), each panel stored four columns at a time. For quad q, the panel
 * holds L ints, int k holding row k's codes of columns 4q to 4q + 3 (byte 0 the first). One
 * load of L ints thus widens to four vectors, the L rows' columns 4q, 4q + 1, 4q + 2 and
 * 4q + 3, and products with broadcast activations give L outputs at once, with no sum across
 * lanes. Rows past the last and columns past the last are code 0 (+0).
 */
public final class Fp8Panels {
  private Fp8Panels() {}

  /** Rows per panel. */
  public static final int ROWS = L;

  private static final ValueLayout.OfByte CODE = ValueLayout.JAVA_BYTE;

  /** Bytes of a [rows, cols] weight in panels. */
  public static long bytes(long rows, long cols) {
    return (rows + ROWS - 1) / ROWS * panelBytes(cols);
  }

  /** Column quads of a row: columns rounded up to a multiple of four, over four. */
  static int quads(long cols) {
    return (int) ((cols + 3) / 4);
  }

  /** Bytes of one panel: all its quads. */
  static long panelBytes(long cols) {
    return quads(cols) * ROWS * 4L;
  }

  /** Byte offset of element (row, col) of a weight with {@code cols} columns. */
  public static long offset(long row, long col, long cols) {
    return row / ROWS * panelBytes(cols) + ((col / 4) * ROWS + row % ROWS) * 4L + col % 4;
  }

  /** The code of element (row, col). */
  public static byte code(MemorySegment panels, long row, long col, long cols) {
    return panels.get(CODE, offset(row, col, cols));
  }

  /**
   * Lays out a row-major [rows, cols] F8_E4M3 weight as panels into {@code dst} ({@link
   * #bytes} long), padding included.
   */
  public static void pack(MemorySegment rowMajor, long rows, long cols, MemorySegment dst) {
    if (rowMajor.byteSize() < rows * cols || dst.byteSize() < bytes(rows, cols)) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] F8_E4M3 weight needs "
          + rows * cols + " bytes in and " + bytes(rows, cols) + " out, has "
          + rowMajor.byteSize() + " and " + dst.byteSize());
    }
    dst.fill((byte) 0);
    long quadStride = ROWS * 4L;
    for (long r = 0; r < rows; r++) {
      long at = offset(r, 0, cols);
      long src = r * cols;
      long c = 0;
      for (; c + 4 <= cols; c += 4) {
        MemorySegment.copy(rowMajor, src + c, dst, at + c / 4 * quadStride, 4);
      }
      for (; c < cols; c++) {
        dst.set(CODE, at + c / 4 * quadStride + c % 4, rowMajor.get(CODE, src + c));
      }
    }
  }
}
