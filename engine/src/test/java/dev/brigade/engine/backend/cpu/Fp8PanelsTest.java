package dev.brigade.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class Fp8PanelsTest {
  @Test
  void everyCodeIsFoundWherePackingPutItAndThePaddingIsZero() {
    for (int[] shape : new int[][] {{1, 1}, {7, 45}, {Fp8Panels.ROWS, 4}, {33, 64}, {17, 3}}) {
      int rows = shape[0];
      int cols = shape[1];
      MemorySegment rowMajor = MemorySegment.ofArray(new byte[rows * cols]);
      for (int i = 0; i < rows * cols; i++) {
        rowMajor.set(ValueLayout.JAVA_BYTE, i, code(i));
      }
      MemorySegment panels = Arena.ofAuto().allocate(Fp8Panels.bytes(rows, cols));
      Fp8Panels.pack(rowMajor, rows, cols, panels);
      long nonZero = 0;
      for (long b = 0; b < panels.byteSize(); b++) {
        nonZero += panels.get(ValueLayout.JAVA_BYTE, b) != 0 ? 1 : 0;
      }
      assertEquals(rows * cols, nonZero, rows + "x" + cols + ": padding must stay zero");
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          assertEquals(code(r * cols + c), Fp8Panels.code(panels, r, c, cols),
              rows + "x" + cols + " (" + r + ", " + c + ")");
        }
      }
    }
  }

  /** A nonzero code for element i (distinct over 255 elements). */
  private static byte code(int i) {
    return (byte) (1 + i % 255);
  }

  @Test
  void aTooSmallSourceOrTargetIsRefused() {
    MemorySegment small = MemorySegment.ofArray(new byte[3]);
    assertThrows(IllegalArgumentException.class, () -> Fp8Panels.pack(small, 2, 2,
        Arena.ofAuto().allocate(Fp8Panels.bytes(2, 2))));
    assertThrows(IllegalArgumentException.class, () -> Fp8Panels.pack(
        MemorySegment.ofArray(new byte[4]), 2, 2, MemorySegment.ofArray(new byte[8])));
  }
}
