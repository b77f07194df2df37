package dev.brigade.engine.numeric;

import dev.brigade.engine.checkpoint.CheckpointException;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;

/** Whole tensors to float arrays: the plain reference path (oracles, tests, small tensors). */
public final class Dequantize {
  private Dequantize() {}

  /** A BF16, F16 or F32 tensor (or raw F8_E4M3 codes without scales) as floats. */
  public static float[] toFloats(TensorData tensor) {
    return FloatCodec.decode(tensor.bytes(), tensor.dtype(), elementCount(tensor));
  }

  /**
   * An F8_E4M3 [rows, cols] weight with its [ceil(rows/128), ceil(cols/128)] weight_scale_inv,
   * dequantised: w[r][c] = fp8[r][c] * scaleInv[r/128][c/128].
   */
  public static float[] fp8Blocks(TensorData weight, TensorData scaleInv) {
    long[] shape = weight.shape();
    if (weight.dtype() != DType.F8_E4M3 || shape.length != 2) {
      throw new CheckpointException(
          "tensor " + weight.name() + " in " + weight.file() + " is not a 2-D F8_E4M3 matrix");
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    int scaleCols = Fp8BlockQuantizer.blocks(cols);
    long[] scaleShape = scaleInv.shape();
    if (scaleShape.length != 2
        || scaleShape[0] != Fp8BlockQuantizer.blocks(rows)
        || scaleShape[1] != scaleCols) {
      throw new CheckpointException(
          "tensor " + scaleInv.name() + " in " + scaleInv.file() + " has shape "
              + java.util.Arrays.toString(scaleShape) + ", expected ["
              + Fp8BlockQuantizer.blocks(rows) + ", " + scaleCols + "] for a [" + rows + ", "
              + cols + "] weight");
    }
    float[] scales = toFloats(scaleInv);
    float[] out = new float[elementCount(weight)];
    for (int r = 0; r < rows; r++) {
      int scaleRow = (r / Fp8BlockQuantizer.BLOCK) * scaleCols;
      for (int c = 0; c < cols; c++) {
        float code = FloatCodec.get(weight.bytes(), DType.F8_E4M3, (long) r * cols + c);
        out[r * cols + c] = code * scales[scaleRow + c / Fp8BlockQuantizer.BLOCK];
      }
    }
    return out;
  }

  private static int elementCount(TensorData tensor) {
    long n = tensor.elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(
          "tensor " + tensor.name() + " in " + tensor.file() + " is too large for a float array");
    }
    return (int) n;
  }
}
