package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;

/**
 * Shape of a paged KV store. Token slot {@code s} lives in block {@code s / blockSize}. The
 * element type is F32 or BF16: BF16 halves the memory and matches what transformers keeps for
 * a bf16 model; values are rounded to nearest even when written and widened to f32 when read.
 *
 * @param layers slice-local layers
 */
public record KvGeometry(
    int layers, int kvHeads, int headDim, int numBlocks, int blockSize, DType dtype) {

  public KvGeometry {
    if (layers <= 0 || kvHeads <= 0 || headDim <= 0 || numBlocks <= 0 || blockSize <= 0) {
      throw new IllegalArgumentException("bad KV geometry " + layers + " layers, " + kvHeads
          + " kv heads, head dim " + headDim + ", " + numBlocks + " blocks of " + blockSize);
    }
    if (dtype != DType.F32 && dtype != DType.BF16) {
      throw new IllegalArgumentException("KV cache dtype must be F32 or BF16, not " + dtype);
    }
  }

  /** Token slots in the store. */
  public long slots() {
    return (long) numBlocks * blockSize;
  }

  /** Bytes of K plus V for one token in one layer. */
  public long bytesPerTokenPerLayer() {
    return 2L * kvHeads * headDim * dtype.bytes();
  }

  /** Bytes of the whole store. */
  public long bytes() {
    return bytesPerTokenPerLayer() * layers * slots();
  }
}
