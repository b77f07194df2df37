package dev.brigade.engine.backend.cpu;

import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;

/**
 * A row-major [rows, cols] weight in its stored dtype, as the CPU kernels read it. Made once
 * per weight (it precomputes what the FP8 kernel needs).
 */
public final class WeightMatrix {
  /** FP8 scale blocks are 128 x 128 elements. */
  public static final int FP8_BLOCK = 128;
  /** Scales at or beyond this would overflow when multiplied by 2^120. */
  private static final float MAX_FAST_SCALE = 0x1p7f;

  private final MemorySegment data;
  private final DType dtype;
  private final int rows;
  private final int cols;
  private final float[] scales;
  private final int scaleCols;
  private final float[] fastScales;

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
    this.fastScales = fastScales(scales);
  }

  /**
   * Block scales times 2^120 (the FP8 widening factor folded in), or null when there are none
   * or some scale is too large for that (then the kernels take an exact scalar path).
   */
  private static float[] fastScales(float[] s) {
    if (s == null) {
      return null;
    }
    float[] out = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      if (!(Math.abs(s[i]) < MAX_FAST_SCALE)) {
        return null;
      }
      out[i] = s[i] * Simd.E4M3_TO_F32;
    }
    return out;
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

  /** FP8 scales times 2^120, or null (see the constructor). */
  float[] fastScales() {
    return fastScales;
  }

  /** Bytes of one stored row. */
  public long rowBytes() {
    return (long) cols * dtype.bytes();
  }
}
