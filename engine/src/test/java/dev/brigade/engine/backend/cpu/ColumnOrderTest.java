package dev.brigade.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The activation permutation that matches packed weight loads, checked index by index. */
class ColumnOrderTest {

  @Test
  void slotsOfEachFullGroupComeFirstAndTheTailKeepsColumnOrder() {
    int l = Simd.L;
    for (int slots : new int[] {2, 4}) {
      int group = slots * l;
      int cols = 2 * group + 5; // two full groups and a tail
      int rows = 3;
      float[] x = new float[rows * cols];
      for (int i = 0; i < x.length; i++) {
        x[i] = i; // each value names its own (row, column)
      }
      float[] p = new float[x.length];
      ColumnOrder.permute(x, rows, cols, slots, p);
      for (int r = 0; r < rows; r++) {
        for (int g = 0; g < 2; g++) {
          for (int s = 0; s < slots; s++) {
            for (int j = 0; j < l; j++) {
              int column = g * group + j * slots + s;
              assertEquals(r * cols + column, p[r * cols + g * group + s * l + j],
                  slots + " slots: row " + r + " group " + g + " slot " + s + " lane " + j);
            }
          }
        }
        for (int c = 2 * group; c < cols; c++) {
          assertEquals(r * cols + c, p[r * cols + c], "tail column " + c);
        }
      }
    }
  }
}
