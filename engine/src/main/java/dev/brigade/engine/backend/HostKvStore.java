package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.Bf16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * K and V of a paged cache in native memory (it may exceed 2 GiB), laid out
 * [layer][kvHead][slot][headDim]: the head vectors of one KV head sit side by side in slot
 * order, so attention over a sequence's block of slots reads one sequential run per head that
 * the hardware prefetcher follows. (With a token's heads side by side instead, successive
 * positions of one head were a whole row of heads apart, two to a 4 KiB page; decode attention
 * of the 0.6B shape at ~120 tokens of context took 4.4-5.1 ms a step that way, 3.0 ms this way.)
 * Within a BF16 head vector, elements are paired as {@link AttentionKernels} reads them; {@link
 * #get} finds any element.
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

  /** Element index of (layer, head, slot, 0). */
  long index(int layer, int slot, int head) {
    return (((long) layer * geometry.kvHeads() + head) * geometry.slots() + slot)
        * geometry.headDim();
  }

  /**
   * Stores one token's keys and values, every KV head's vector from k[from, from + rowWidth)
   * and v[from, from + rowWidth) (heads side by side, as the projections produce them).
   */
  void write(int layer, int slot, float[] k, float[] v, int from) {
    if (slot < 0 || slot >= geometry.slots()) {
      throw new IllegalArgumentException("KV slot " + slot + " outside the store");
    }
    int d = geometry.headDim();
    for (int h = 0; h < geometry.kvHeads(); h++) {
      long base = index(layer, slot, h);
      int src = from + h * d;
      if (bf16) {
        AttentionKernels.storeHead(k, src, keys, base, d);
        AttentionKernels.storeHead(v, src, values, base, d);
      } else {
        MemorySegment.copy(k, src, keys, HostWeight.FLOAT, base * 4, d);
        MemorySegment.copy(v, src, values, HostWeight.FLOAT, base * 4, d);
      }
    }
  }

  /** Element i of the head vector at element {@code base} (of {@link #index}) of keys or values. */
  float get(MemorySegment segment, long base, int i) {
    return bf16
        ? Bf16.toFloat(segment.getAtIndex(HostWeight.SHORT,
            base + AttentionKernels.position(i, geometry.headDim())))
        : segment.getAtIndex(HostWeight.FLOAT, base + i);
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
