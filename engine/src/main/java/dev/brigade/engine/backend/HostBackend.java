package dev.brigade.engine.backend;

import dev.brigade.engine.checkpoint.TensorData;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Memory management and KV writes shared by the backends that compute on this machine's CPU.
 */
abstract class HostBackend implements Backend {
  private static final ValueLayout.OfFloat LE_FLOAT = HostWeight.FLOAT;

  @Override
  public DeviceBuffer allocate(long floats) {
    return new HostBuffer(floats);
  }

  @Override
  public void copyIn(MemorySegment src, DeviceBuffer dst, long dstOffset) {
    long n = src.byteSize() / 4;
    HostBuffer d = HostBuffer.of(dst, dstOffset + n, "copyIn destination");
    MemorySegment.copy(src, LE_FLOAT, 0, d.data, (int) dstOffset, (int) n);
  }

  @Override
  public void copyOut(DeviceBuffer src, long srcOffset, MemorySegment dst) {
    long n = dst.byteSize() / 4;
    HostBuffer s = HostBuffer.of(src, srcOffset + n, "copyOut source");
    MemorySegment.copy(s.data, (int) srcOffset, dst, LE_FLOAT, 0, (int) n);
  }

  @Override
  public DeviceWeight upload(TensorData weight, TensorData scaleInv) {
    return new HostWeight(weight, scaleInv);
  }

  @Override
  public KvStore allocateKv(KvGeometry geometry) {
    return new HostKvStore(geometry);
  }

  /** Every row's keys and values into its slot (the store's layout is shared by all hosts). */
  @Override
  public void kvWrite(KvStore kv, int layer, DeviceBuffer k, DeviceBuffer v, BatchLayout layout) {
    HostKvStore store = HostKvStore.of(kv, layer);
    int width = store.rowWidth;
    float[] ks = HostBuffer.of(k, (long) layout.rows() * width, "kvWrite keys").data;
    float[] vs = HostBuffer.of(v, (long) layout.rows() * width, "kvWrite values").data;
    for (int r = 0; r < layout.rows(); r++) {
      store.write(layer, layout.slots()[r], ks, vs, r * width);
    }
  }

  static void checkRows(BatchLayout layout, int width, DeviceBuffer buffer, String what) {
    HostBuffer.of(buffer, (long) layout.rows() * width, what);
  }

  @Override
  public void close() {
    // Weights and KV stores are closed by their owners; heap buffers need nothing.
  }

  @Override
  public String toString() {
    return name() + " backend";
  }
}
