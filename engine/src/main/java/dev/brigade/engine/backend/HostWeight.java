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
  static final int FP8_BLOCK = CheckedWeight.FP8_BLOCK;

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
    CheckedWeight checked = CheckedWeight.of(weight, scaleInv);
    this.name = weight.name();
    this.dtype = weight.dtype();
    this.rows = checked.rows();
    this.cols = checked.cols();
    this.scales = checked.scales();
    this.scaleCols = checked.scaleCols();
    this.scaleBytes = checked.scaleBytes();
    long bytes = rows * cols * dtype.bytes();
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
