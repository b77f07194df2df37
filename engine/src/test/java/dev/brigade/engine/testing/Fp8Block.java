package dev.brigade.engine.testing;

import dev.brigade.engine.model.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A [rows, cols] matrix block-quantised to F8_E4M3 the way Qwen3-32B-FP8 stores it: one
 * scale_inv per 128x128 block (edge blocks partial), code = fp8(w / scale_inv) with
 * scale_inv = amax / 448.
 *
 * @param dequantized code value * scale_inv, what the engine must compute with
 */
public record Fp8Block(MemorySegment codes, MemorySegment scales, long[] scaleShape,
    float[] dequantized) {

  public static Fp8Block quantize(float[] w, int rows, int cols, DType scaleDtype) {
    int rb = (rows + 127) / 128;
    int cb = (cols + 127) / 128;
    float[] scale = new float[rb * cb];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int b = (r / 128) * cb + c / 128;
        scale[b] = Math.max(scale[b], Math.abs(w[r * cols + c]) / 448f);
      }
    }
    for (int b = 0; b < scale.length; b++) {
      float s = scale[b] == 0 ? 1f : scale[b];
      scale[b] = Encode.round(s, scaleDtype); // the scale as it will be stored
    }
    MemorySegment codes = Arena.ofAuto().allocate((long) rows * cols, 8);
    float[] deq = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        float s = scale[(r / 128) * cb + c / 128];
        byte code = Encode.fp8(w[r * cols + c] / s);
        codes.set(ValueLayout.JAVA_BYTE, (long) r * cols + c, code);
        deq[r * cols + c] = Encode.fp8Value(code & 0xFF) * s;
      }
    }
    return new Fp8Block(codes, Encode.store(scale, scaleDtype), new long[] {rb, cb}, deq);
  }
}
