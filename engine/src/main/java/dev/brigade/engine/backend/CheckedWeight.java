package dev.brigade.engine.backend;

import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import java.util.Arrays;

/**
 * A checkpoint weight checked for upload, the same way for every backend: its [rows, cols] (a
 * 1-D tensor is one row), a byte size that matches its shape and dtype, and for F8_E4M3 its
 * 128x128 block scale_inv of the right shape, widened to f32 (only FP8 weights take one).
 *
 * @param scales F8_E4M3 only: [ceil(rows/128), ceil(cols/128)] scale_inv as f32; null otherwise
 * @param scaleCols columns of {@code scales} (0 without)
 * @param scaleBytes bytes of the stored scale tensor (0 without)
 */
public record CheckedWeight(long rows, long cols, float[] scales, int scaleCols, long scaleBytes) {
  public static final int FP8_BLOCK = 128;

  /** Checks {@code weight} (and its scale_inv, null when it has none); throws naming the fault. */
  public static CheckedWeight of(TensorData weight, TensorData scaleInv) {
    String name = weight.name();
    DType dtype = weight.dtype();
    long[] shape = weight.shape();
    long rows;
    long cols;
    if (shape.length == 1) {
      rows = 1;
      cols = shape[0];
    } else if (shape.length == 2) {
      rows = shape[0];
      cols = shape[1];
    } else {
      throw new IllegalArgumentException("weight " + name + " must be 1-D or 2-D, has "
          + shape.length + " dimensions");
    }
    long bytes = rows * cols * dtype.bytes();
    if (weight.bytes().byteSize() != bytes) {
      throw new IllegalArgumentException("weight " + name + " has " + weight.bytes().byteSize()
          + " bytes, its shape and dtype need " + bytes);
    }
    if (dtype != DType.F8_E4M3) {
      if (scaleInv != null) {
        throw new IllegalArgumentException("only F8_E4M3 weights take a scale, " + name
            + " is " + dtype);
      }
      return new CheckedWeight(rows, cols, null, 0, 0);
    }
    if (scaleInv == null) {
      throw new IllegalArgumentException("F8_E4M3 weight " + name + " needs weight_scale_inv");
    }
    long rb = (rows + FP8_BLOCK - 1) / FP8_BLOCK;
    long cb = (cols + FP8_BLOCK - 1) / FP8_BLOCK;
    long[] ss = scaleInv.shape();
    if (ss.length != 2 || ss[0] != rb || ss[1] != cb) {
      throw new IllegalArgumentException("scale " + scaleInv.name() + " of " + name
          + " must be [" + rb + ", " + cb + "], is " + Arrays.toString(ss));
    }
    float[] scales = new float[(int) (rb * cb)];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = FloatCodec.get(scaleInv.bytes(), scaleInv.dtype(), i);
    }
    return new CheckedWeight(rows, cols, scales, (int) cb, scaleInv.bytes().byteSize());
  }
}
