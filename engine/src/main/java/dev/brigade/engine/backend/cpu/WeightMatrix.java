package dev.brigade.engine.backend.cpu;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import dev.brigade.engine.numeric.Fp8E4m3;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A [rows, cols] weight in its stored dtype, laid out as the CPU kernels read it: BF16 in
 * {@link Bf16Panels}, F8_E4M3 in {@link Fp8Panels}, F16 and F32 row-major.
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
   * @param data little-endian elements: BF16 in {@link Bf16Panels}, F8_E4M3 in {@link
   *     Fp8Panels}, others row-major
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

  /**
   * A weight from row-major elements: BF16 and F8_E4M3 are copied into panels (in {@code
   * arena}).
   */
  public static WeightMatrix fromRowMajor(MemorySegment rowMajor, DType dtype, long rows,
      long cols, float[] scales, int scaleCols, Arena arena) {
    return new WeightMatrix(panelsOf(rowMajor, dtype, rows, cols, arena), dtype, rows, cols,
        scales, scaleCols);
  }

  /** Whether the kernels keep {@code dtype} in panels ({@link Bf16Panels}, {@link Fp8Panels}). */
  public static boolean inPanels(DType dtype) {
    return dtype == DType.BF16 || dtype == DType.F8_E4M3;
  }

  /**
   * Row-major elements in the kernels' layout: BF16 and F8_E4M3 copied into panels (in
   * {@code arena}), F16 and F32 as they are.
   */
  public static MemorySegment panelsOf(MemorySegment rowMajor, DType dtype, long rows,
      long cols, Arena arena) {
    return switch (dtype) {
      case BF16 -> {
        MemorySegment data = HugePageMemory.allocate(arena, Bf16Panels.bytes(rows, cols));
        Bf16Panels.pack(rowMajor, rows, cols, data);
        yield data;
      }
      case F8_E4M3 -> {
        MemorySegment data = HugePageMemory.allocate(arena, Fp8Panels.bytes(rows, cols));
        Fp8Panels.pack(rowMajor, rows, cols, data);
        yield data;
      }
      case F16, F32 -> rowMajor;
    };
  }

  /** Bytes a [rows, cols] weight of {@code dtype} takes in the kernels' layout. */
  public static long layoutBytes(DType dtype, long rows, long cols) {
    return switch (dtype) {
      case BF16 -> Bf16Panels.bytes(rows, cols);
      case F8_E4M3 -> Fp8Panels.bytes(rows, cols);
      case F16, F32 -> rows * cols * dtype.bytes();
    };
  }

  /** Element (row, col) as f32, FP8 times its block scale. */
  public float get(int row, int col) {
    float v = stored(data, dtype, row, col, cols);
    return scales == null ? v : v * scale(row, col);
  }

  /**
   * Element (row, col) of a weight in the kernels' layout ({@code data} of {@link #panelsOf}),
   * as stored: FP8 without its block scale.
   */
  public static float stored(MemorySegment data, DType dtype, long row, long col, long cols) {
    return switch (dtype) {
      case BF16 -> Bf16Panels.get(data, row, col, cols);
      case F8_E4M3 -> Fp8E4m3.toFloat(Fp8Panels.code(data, row, col, cols));
      case F16, F32 -> FloatCodec.get(data, dtype, row * cols + col);
    };
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
