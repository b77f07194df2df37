package dev.brigade.engine.backend.cpu;

import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;

/**
 * A row-major [rows, cols] weight in its stored dtype, as the CPU kernels read it.
 */
public final class WeightMatrix {
  /** FP8 scale blocks are 128 x 128 elements. */
  public static final int FP8_BLOCK = 128;

  private final MemorySegment data;
  private final DType dtype;
  private final int rows;
  private final int cols;
  private final float[] scales;
  private final int scaleCols;

  /**
   * @param data little-endian elements
   * @param scales F8_E4M3 only: the [ceil(rows/128), ceil(cols/128)] block scale_inv as f32,
   *     row-major with {@code scaleCols} columns; null for other dtypes
   */
  public WeightMatrix(
      MemorySegment data, DType dtype, long rows, long cols, float[] scales, int scaleCols) {
    if (rows < 0 || cols < 0 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE
        || data.byteSize() < rows * cols * dtype.bytes()) {
      throw new IllegalArgumentException("weight of " + data.byteSize() + " bytes does not fit"
          + " [" + rows + ", " + cols + "] " + dtype);
    }
    if ((dtype == DType.F8_E4M3) != (scales != null)) {
      throw new IllegalArgumentException("F8_E4M3 weights, and only they, need block scales");
    }
    this.data = data;
    this.dtype = dtype;
    this.rows = (int) rows;
    this.cols = (int) cols;
    this.scales = scales;
    this.scaleCols = scaleCols;
    if (scales != null) {
      long blockRows = (rows + FP8_BLOCK - 1) / FP8_BLOCK;
      long blockCols = (cols + FP8_BLOCK - 1) / FP8_BLOCK;
      if (scaleCols != blockCols || scales.length < blockRows * blockCols) {
        throw new IllegalArgumentException("FP8 scales must be [" + blockRows + ", " + blockCols
            + "]");
      }
    }
  }

  public MemorySegment data() {
    return data;
  }

  public DType dtype() {
    return dtype;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public float[] scales() {
    return scales;
  }

  public int scaleCols() {
    return scaleCols;
  }

  /** F8_E4M3 only: the block scale of element (row, col). */
  public float scale(int row, int col) {
    return scales[row / FP8_BLOCK * scaleCols + col / FP8_BLOCK];
  }

  /** Bytes of one stored row. */
  public long rowBytes() {
    return (long) cols * dtype.bytes();
  }
}
