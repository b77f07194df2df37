package dev.brigade.engine.backend.cpu;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A [rows, cols] weight in its stored dtype, laid out as the CPU kernels read it: BF16 in
 * {@link Bf16Panels}, every other dtype row-major.
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
   * @param data little-endian elements: BF16 in {@link Bf16Panels}, others row-major
   * @param scales F8_E4M3 only: the [ceil(rows/128), ceil(cols/128)] block scale_inv as f32,
   *     row-major with {@code scaleCols} columns; null for other dtypes
   */
  public WeightMatrix(
      MemorySegment data, DType dtype, long rows, long cols, float[] scales, int scaleCols) {
    if (rows < 0 || cols < 0 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE
        || data.byteSize() < layoutBytes(dtype, rows, cols)) {
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

  /** A weight from row-major elements: BF16 is copied into panels (in {@code arena}). */
  public static WeightMatrix fromRowMajor(MemorySegment rowMajor, DType dtype, long rows,
      long cols, float[] scales, int scaleCols, Arena arena) {
    MemorySegment data = rowMajor;
    if (dtype == DType.BF16) {
      data = arena.allocate(Bf16Panels.bytes(rows, cols), 64);
      Bf16Panels.pack(rowMajor, rows, cols, data);
    }
    return new WeightMatrix(data, dtype, rows, cols, scales, scaleCols);
  }

  /** Bytes a [rows, cols] weight of {@code dtype} takes in the kernels' layout. */
  public static long layoutBytes(DType dtype, long rows, long cols) {
    return dtype == DType.BF16 ? Bf16Panels.bytes(rows, cols) : rows * cols * dtype.bytes();
  }

  /** Element (row, col) as f32, FP8 times its block scale (exact: scale times an FP8 value). */
  public float get(int row, int col) {
    if (dtype == DType.BF16) {
      return Bf16Panels.get(data, row, col, cols);
    }
    float v = FloatCodec.get(data, dtype, (long) row * cols + col);
    return scales == null ? v : v * scale(row, col);
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
