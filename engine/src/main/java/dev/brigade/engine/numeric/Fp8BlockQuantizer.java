package dev.brigade.engine.numeric;

import dev.brigade.engine.model.DType;

/**
 * Block-wise FP8 quantisation as in Qwen/Qwen3-32B-FP8 (and DeepSeek-V3): a [rows, cols] weight
 * is cut into 128x128 blocks (edge blocks partial); each block stores F8_E4M3 codes and one
 * {@code weight_scale_inv} value s with w ~= fp8 * s, so s = amax(block) / 448.
 */
public final class Fp8BlockQuantizer {
  public static final int BLOCK = 128;

  private Fp8BlockQuantizer() {}

  /**
   * A quantised matrix: {@code codes} is [rows, cols] row-major, {@code scaleInv} is
   * [scaleRows, scaleCols] row-major and already rounded to {@code scaleDtype}.
   */
  public record Quantized(
      int rows, int cols, byte[] codes, DType scaleDtype, float[] scaleInv) {

    public int scaleRows() {
      return blocks(rows);
    }

    public int scaleCols() {
      return blocks(cols);
    }

    /** The scales as little-endian bytes in {@code scaleDtype}. */
    public byte[] scaleBytes() {
      return FloatCodec.encode(scaleInv, scaleDtype);
    }

    public float dequantized(int row, int col) {
      float scale = scaleInv[(row / BLOCK) * scaleCols() + col / BLOCK];
      return Fp8E4m3.toFloat(codes[row * cols + col]) * scale;
    }
  }

  public static int blocks(long extent) {
    return (int) ((extent + BLOCK - 1) / BLOCK);
  }

  /** Quantise a row-major [rows, cols] matrix; scales are stored as {@code scaleDtype}. */
  public static Quantized quantize(float[] weights, int rows, int cols, DType scaleDtype) {
    if (scaleDtype == DType.F8_E4M3) {
      throw new IllegalArgumentException("weight_scale_inv cannot be F8_E4M3");
    }
    if ((long) rows * cols != weights.length) {
      throw new IllegalArgumentException(
          "matrix [" + rows + ", " + cols + "] needs " + (long) rows * cols
              + " values, got " + weights.length);
    }
    int scaleRows = blocks(rows);
    int scaleCols = blocks(cols);
    byte[] codes = new byte[weights.length];
    float[] scales = new float[scaleRows * scaleCols];
    for (int br = 0; br < scaleRows; br++) {
      int r0 = br * BLOCK;
      int r1 = Math.min(rows, r0 + BLOCK);
      for (int bc = 0; bc < scaleCols; bc++) {
        int c0 = bc * BLOCK;
        int c1 = Math.min(cols, c0 + BLOCK);
        float amax = 0f;
        for (int r = r0; r < r1; r++) {
          for (int c = c0; c < c1; c++) {
            amax = Math.max(amax, Math.abs(weights[r * cols + c]));
          }
        }
        float scale = storableScaleAtLeast(amax / Fp8E4m3.MAX, scaleDtype);
        scales[br * scaleCols + bc] = scale;
        for (int r = r0; r < r1; r++) {
          for (int c = c0; c < c1; c++) {
            codes[r * cols + c] = Fp8E4m3.fromFloat(weights[r * cols + c] / scale);
          }
        }
      }
    }
    return new Quantized(rows, cols, codes, scaleDtype, scales);
  }

  /**
   * The smallest value representable in {@code dtype} that is >= {@code wanted}, so the block's
   * largest weight divided by it never exceeds 448 and nothing saturates. An all-zero block gets
   * scale 1.
   */
  static float storableScaleAtLeast(float wanted, DType dtype) {
    if (!(wanted > 0f) || Float.isInfinite(wanted)) {
      return 1f;
    }
    float stored = FloatCodec.round(wanted, dtype);
    if (stored < wanted) {
      stored = FloatCodec.nextUp(stored, dtype);
    }
    return stored;
  }
}
