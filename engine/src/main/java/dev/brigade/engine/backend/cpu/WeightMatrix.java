package dev.brigade.engine.backend.cpu;

import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;

/**
 * A row-major [rows, cols] weight in its stored dtype, as the CPU kernels read it.
 *
 * @param data little-endian elements
 * @param scales F8_E4M3 only: the [ceil(rows/128), ceil(cols/128)] block scale_inv as f32,
 *     row-major with {@code scaleCols} columns; null for other dtypes
 */
public record WeightMatrix(
    MemorySegment data, DType dtype, int rows, int cols, float[] scales, int scaleCols) {

  /** FP8 scale blocks are 128 x 128 elements. */
  public static final int FP8_BLOCK = 128;

  public WeightMatrix {
    if (rows < 0 || cols < 0 || data.byteSize() < (long) rows * cols * dtype.bytes()) {
      throw new IllegalArgumentException("weight of " + data.byteSize() + " bytes is too small"
          + " for [" + rows + ", " + cols + "] " + dtype);
    }
    if ((dtype == DType.F8_E4M3) != (scales != null)) {
      throw new IllegalArgumentException("F8_E4M3 weights, and only they, need block scales");
    }
    if (scales != null) {
      int blockRows = (rows + FP8_BLOCK - 1) / FP8_BLOCK;
      int blockCols = (cols + FP8_BLOCK - 1) / FP8_BLOCK;
      if (scaleCols != blockCols || scales.length < blockRows * blockCols) {
        throw new IllegalArgumentException("FP8 scales must be [" + blockRows + ", " + blockCols
            + "]");
      }
    }
  }

  /** Bytes of one stored row. */
  public long rowBytes() {
    return (long) cols * dtype.bytes();
  }
}
