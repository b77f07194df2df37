package dev.brigade.cuda;

import dev.brigade.cuda.kernel.Mem;
import dev.brigade.engine.backend.KvGeometry;
import dev.brigade.engine.backend.KvStore;
import dev.brigade.engine.model.DType;

/** K and V in device memory, [layer][slot][kvHead][headDim], f32 or bf16. */
final class CudaKvStore implements KvStore {
  final KvGeometry geometry;
  final Mem keys;
  final Mem values;
  final int elementBytes;
  private final CudaBackend owner;
  private boolean closed;

  CudaKvStore(CudaBackend owner, KvGeometry geometry, Mem keys, Mem values) {
    this.owner = owner;
    this.geometry = geometry;
    this.keys = keys;
    this.values = values;
    this.elementBytes = geometry.dtype() == DType.BF16 ? 2 : 4;
  }

  static CudaKvStore of(KvStore kv, int layer) {
    if (!(kv instanceof CudaKvStore c)) {
      throw new IllegalArgumentException("KV store is not on the CUDA backend: " + kv);
    }
    if (layer < 0 || layer >= c.geometry.layers()) {
      throw new IllegalArgumentException("layer " + layer + " outside the KV store's "
          + c.geometry.layers() + " layers");
    }
    return c;
  }

  @Override
  public KvGeometry geometry() {
    return geometry;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      owner.release(keys);
      owner.release(values);
    }
  }
}
