package dev.brigade.cuda;

import dev.brigade.cuda.kernel.Mem;
import dev.brigade.cuda.kernel.WeightKind;
import dev.brigade.engine.backend.DeviceWeight;
import dev.brigade.engine.model.DType;

/**
 * A weight in device memory in its stored dtype; FP8 weights keep their 128x128 block scales
 * beside them (widened to f32 at upload: tiny, read once per 128 columns).
 */
final class CudaWeight implements DeviceWeight {
  final String name;
  final DType dtype;
  final WeightKind kind;
  final long rows;
  final long cols;
  final Mem data;
  /** FP8: f32 [ceil(rows/128), ceil(cols/128)]; otherwise {@link #data} as a placeholder. */
  final Mem scales;
  private final long bytes;
  private final CudaBackend owner;
  private boolean closed;

  CudaWeight(CudaBackend owner, String name, DType dtype, long rows, long cols, Mem data,
      Mem scales, long scaleBytes) {
    this.owner = owner;
    this.name = name;
    this.dtype = dtype;
    this.kind = WeightKind.of(dtype);
    this.rows = rows;
    this.cols = cols;
    this.data = data;
    this.scales = scales == null ? data : scales;
    this.bytes = rows * cols * dtype.bytes() + scaleBytes;
  }

  static CudaWeight of(DeviceWeight w) {
    if (!(w instanceof CudaWeight c)) {
      throw new IllegalArgumentException("weight " + w.name() + " is not on the CUDA backend");
    }
    return c;
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
    return bytes;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      owner.release(data);
      if (scales != data) {
        owner.release(scales);
      }
    }
  }
}
