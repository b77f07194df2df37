package dev.brigade.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class Bf16PanelsTest {
  private static final ValueLayout.OfShort BF16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

  @Test
  void everyElementIsFoundWherePackingPutItAndThePaddingIsZero() {
    for (int[] shape : new int[][] {{1, 1}, {7, 45}, {Bf16Panels.ROWS, 2}, {33, 64}, {17, 3}}) {
      int rows = shape[0];
      int cols = shape[1];
      MemorySegment rowMajor = MemorySegment.ofArray(new byte[rows * cols * 2]);
      for (int i = 0; i < rows * cols; i++) {
        rowMajor.set(BF16, 2L * i, (short) (0x3F80 + i)); // distinct, finite values
      }
      MemorySegment panels = Arena.ofAuto().allocate(Bf16Panels.bytes(rows, cols));
      Bf16Panels.pack(rowMajor, rows, cols, panels);
      long nonZero = 0;
      for (long b = 0; b < panels.byteSize(); b += 2) {
        nonZero += panels.get(BF16, b) != 0 ? 1 : 0;
      }
      assertEquals(rows * cols, nonZero, rows + "x" + cols + ": padding must stay zero");
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          float expected = Float.intBitsToFloat((0x3F80 + r * cols + c) << 16);
          assertEquals(expected, Bf16Panels.get(panels, r, c, cols), rows + "x" + cols
              + " (" + r + ", " + c + ")");
        }
      }
    }
  }

  @Test
  void aTooSmallSourceOrTargetIsRefused() {
    MemorySegment small = MemorySegment.ofArray(new byte[6]);
    assertThrows(IllegalArgumentException.class, () -> Bf16Panels.pack(small, 2, 2,
        Arena.ofAuto().allocate(Bf16Panels.bytes(2, 2))));
    assertThrows(IllegalArgumentException.class, () -> Bf16Panels.pack(
        MemorySegment.ofArray(new byte[8]), 2, 2, MemorySegment.ofArray(new byte[8])));
  }
}
