package dev.brigade.engine.backend.cpu;

import static dev.brigade.engine.backend.cpu.Simd.L;

/**
 * The order in which a kernel walks a weight row's columns, and the matching permutation of an
 * activation row.
 *
 * <p>One wide load of packed weights holds several columns per 32-bit lane: a bf16 load of L
 * ints holds 2L consecutive columns (each int an even and an odd column), an FP8 load 4L
 * columns (each int four). Widening them as they lie gives {@code slots} vectors per group of
 * columns, slot s holding columns {@code group * g + slots * j + s} for lanes j. Instead of
 * shuffling the weights back into column order (several instructions per vector, on every
 * weight of every call), the activations are shuffled once per call into the same order:
 * within each full group, slot 0's columns first, then slot 1's, and so on. Columns after the
 * last full group keep their natural order.
 */
final class ColumnOrder {
  private ColumnOrder() {}

  /** Columns per group for {@code slots} vectors of L lanes. */
  static int group(int slots) {
    return slots * L;
  }

  /**
   * {@code rows} rows of {@code cols} activations from {@code x}, permuted into {@code dst} for
   * a kernel that widens {@code slots} vectors per load.
   */
  static void permute(float[] x, int rows, int cols, int slots, float[] dst) {
    int group = group(slots);
    int full = cols - cols % group;
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int g = 0; g < full; g += group) {
        for (int s = 0; s < slots; s++) {
          int to = base + g + s * L;
          int from = base + g + s;
          for (int j = 0; j < L; j++) {
            dst[to + j] = x[from + j * slots];
          }
        }
      }
      System.arraycopy(x, base + full, dst, base + full, cols - full);
    }
  }
}
