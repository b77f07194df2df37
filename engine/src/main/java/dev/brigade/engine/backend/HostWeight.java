package dev.brigade.engine.backend;

import dev.brigade.engine.backend.cpu.Bf16Panels;
import dev.brigade.engine.backend.cpu.Fp8Panels;
import dev.brigade.engine.backend.cpu.HugePageMemory;
import dev.brigade.engine.backend.cpu.WeightMatrix;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A weight copied into native memory in its stored dtype (64-byte aligned for SIMD loads), in
 * the layout the CPU kernels read: BF16 in {@link Bf16Panels}, FP8 in {@link Fp8Panels}, the
 * others row-major. FP8 block scales are widened to f32 once, at upload: they are tiny and
 * read per block.
 */
final class HostWeight implements DeviceWeight {
  static final int FP8_BLOCK = CheckedWeight.FP8_BLOCK;

  private final String name;
  private final Arena arena;
  final DType dtype;
  final long rows;
  final long cols;
  /** The stored elements: BF16 and FP8 matrices in panels, the others row-major [rows, cols]. */
  final MemorySegment data;
  /**
   * Whether data is in panels ({@link Bf16Panels}, {@link Fp8Panels}): BF16 and FP8 matrices
   * of more than one row. A single row (a norm's weights) is never multiplied and stays as
   * stored, 1/L of its panel's size.
   */
  private final boolean panels;
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
    this.arena = Arena.ofShared();
    this.panels = WeightMatrix.inPanels(dtype) && rows > 1;
    if (panels) {
      this.data = WeightMatrix.panelsOf(weight.bytes(), dtype, rows, cols, arena);
    } else {
      this.data = HugePageMemory.allocate(arena, rows * cols * dtype.bytes());
      MemorySegment.copy(weight.bytes(), 0, data, 0, rows * cols * dtype.bytes());
    }
  }

  /** Element (r, c) as f32, FP8 already multiplied by its block scale. For the scalar oracle. */
  double get(long r, long c) {
    double v = panels
        ? WeightMatrix.stored(data, dtype, r, c, cols)
        : FloatCodec.get(data, dtype, r * cols + c);
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
      m = WeightMatrix.inPanels(dtype) && !panels
          ? WeightMatrix.fromRowMajor(data, dtype, rows, cols, scales, scaleCols, arena)
          : new WeightMatrix(data, dtype, rows, cols, scales, scaleCols);
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
