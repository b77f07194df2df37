package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.Bf16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * K and V of a paged cache in native memory (it may exceed 2 GiB), laid out
 * [layer][slot][kvHead][headDim] so one token's head vector is contiguous.
 */
final class HostKvStore implements KvStore {
  private final KvGeometry geometry;
  private final Arena arena;
  final MemorySegment keys;
  final MemorySegment values;
  final boolean bf16;
  final int rowWidth;

  HostKvStore(KvGeometry geometry) {
    this.geometry = geometry;
    this.arena = Arena.ofShared();
    long half = geometry.bytes() / 2;
    this.keys = arena.allocate(half, 64);
    this.values = arena.allocate(half, 64);
    this.bf16 = geometry.dtype() == DType.BF16;
    this.rowWidth = geometry.kvHeads() * geometry.headDim();
  }

  /** Element index of (layer, slot, head, 0). */
  long index(int layer, int slot, int head) {
    return (((long) layer * geometry.slots() + slot) * geometry.kvHeads() + head)
        * geometry.headDim();
  }

  float get(MemorySegment segment, long index) {
    return bf16
        ? Bf16.toFloat(segment.getAtIndex(HostWeight.SHORT, index))
        : segment.getAtIndex(HostWeight.FLOAT, index);
  }

  void set(MemorySegment segment, long index, float value) {
    if (bf16) {
      segment.setAtIndex(HostWeight.SHORT, index, Bf16.fromFloat(value));
    } else {
      segment.setAtIndex(HostWeight.FLOAT, index, value);
    }
  }

  static HostKvStore of(KvStore kv, int layer) {
    if (!(kv instanceof HostKvStore host)) {
      throw new IllegalArgumentException("KV store is not a host store: " + kv);
    }
    if (layer < 0 || layer >= host.geometry.layers()) {
      throw new IllegalArgumentException("layer " + layer + " outside the KV store's "
          + host.geometry.layers() + " layers");
    }
    return host;
  }

  @Override
  public KvGeometry geometry() {
    return geometry;
  }

  @Override
  public void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
