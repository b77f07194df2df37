package dev.brigade.engine.backend;

import dev.brigade.engine.backend.cpu.WeightMatrix;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A weight copied into native memory in its stored dtype (64-byte aligned for SIMD loads).
 * FP8 block scales are widened to f32 once, at upload: they are tiny and read per block.
 */
final class HostWeight implements DeviceWeight {
  static final int FP8_BLOCK = 128;

  private final String name;
  private final Arena arena;
  final DType dtype;
  final long rows;
  final long cols;
  /** The stored elements, row-major [rows, cols]. */
  final MemorySegment data;
  /** F8_E4M3 only: [ceil(rows/128), ceil(cols/128)] scale_inv as f32; null otherwise. */
  final float[] scales;
  final int scaleCols;
  private final long scaleBytes;

  HostWeight(TensorData weight, TensorData scaleInv) {
    this.name = weight.name();
    this.dtype = weight.dtype();
    long[] shape = weight.shape();
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
    long bytes = weight.elementCount() * dtype.bytes();
    if (weight.bytes().byteSize() != bytes) {
      throw new IllegalArgumentException("weight " + name + " has " + weight.bytes().byteSize()
          + " bytes, its shape and dtype need " + bytes);
    }
    if (dtype == DType.F8_E4M3) {
      if (scaleInv == null) {
        throw new IllegalArgumentException("F8_E4M3 weight " + name + " needs weight_scale_inv");
      }
      long rb = (rows + FP8_BLOCK - 1) / FP8_BLOCK;
      long cb = (cols + FP8_BLOCK - 1) / FP8_BLOCK;
      long[] ss = scaleInv.shape();
      if (ss.length != 2 || ss[0] != rb || ss[1] != cb) {
        throw new IllegalArgumentException("scale " + scaleInv.name() + " of " + name
            + " must be [" + rb + ", " + cb + "], is " + java.util.Arrays.toString(ss));
      }
      scales = new float[(int) (rb * cb)];
      for (int i = 0; i < scales.length; i++) {
        scales[i] = FloatCodec.get(scaleInv.bytes(), scaleInv.dtype(), i);
      }
      scaleCols = (int) cb;
      scaleBytes = scaleInv.bytes().byteSize();
    } else {
      if (scaleInv != null) {
        throw new IllegalArgumentException("only F8_E4M3 weights take a scale, " + name
            + " is " + dtype);
      }
      scales = null;
      scaleCols = 0;
      scaleBytes = 0;
    }
    this.arena = Arena.ofShared();
    this.data = arena.allocate(bytes, 64);
    MemorySegment.copy(weight.bytes(), 0, data, 0, bytes);
  }

  /** Element (r, c) as f32, FP8 already multiplied by its block scale. For the scalar oracle. */
  double get(long r, long c) {
    long i = r * cols + c;
    double v = FloatCodec.get(data, dtype, i);
    if (scales != null) {
      v *= scales[(int) (r / FP8_BLOCK) * scaleCols + (int) (c / FP8_BLOCK)];
    }
    return v;
  }

  private volatile float[] floats;
  private volatile WeightMatrix matrix;

  /** This weight as the CPU kernels read it (made once). */
  WeightMatrix matrix() {
    WeightMatrix m = matrix;
    if (m == null) {
      m = new WeightMatrix(data, dtype, rows, cols, scales, scaleCols);
      matrix = m;
    }
    return m;
  }

  /** All elements as f32 (FP8 scaled), decoded once; only for small weights such as norms. */
  float[] floats() {
    float[] f = floats;
    if (f == null) {
      if (rows * cols > (1 << 24)) {
        throw new IllegalStateException("weight " + name + " is too large to widen to f32");
      }
      f = new float[(int) (rows * cols)];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          f[(int) (r * cols + c)] = (float) get(r, c);
        }
      }
      floats = f;
    }
    return f;
  }

  static HostWeight of(DeviceWeight weight) {
    if (!(weight instanceof HostWeight host)) {
      throw new IllegalArgumentException("weight " + weight.name() + " is not a host weight");
    }
    return host;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public long cols() {
    return cols;
  }

  @Override
  public long bytes() {
    return data.byteSize() + scaleBytes;
  }

  @Override
  public void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }

  static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(
      java.nio.ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(
      java.nio.ByteOrder.LITTLE_ENDIAN);
}
