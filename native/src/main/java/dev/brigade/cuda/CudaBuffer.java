package dev.brigade.cuda;

import dev.brigade.cuda.kernel.Mem;
import dev.brigade.engine.backend.DeviceBuffer;

/** An f32 activation buffer in device memory. */
final class CudaBuffer implements DeviceBuffer {
  final Mem mem;
  private final long floats;
  private final CudaBackend owner;
  private boolean closed;

  CudaBuffer(CudaBackend owner, Mem mem, long floats) {
    this.owner = owner;
    this.mem = mem;
    this.floats = floats;
  }

  @Override
  public long floats() {
    return floats;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      owner.release(mem);
    }
  }
}
