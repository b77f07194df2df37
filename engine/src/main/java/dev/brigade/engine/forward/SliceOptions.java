package dev.brigade.engine.forward;

import dev.brigade.engine.model.DType;

/**
 * How a slice sizes its KV cache.
 *
 * @param kvBudgetBytes bytes the KV cache may take; the block count is this divided by the
 *     bytes of one block across the slice's layers
 * @param blockSize tokens per KV block
 * @param kvDtype F32 or BF16 (BF16 halves the memory; values are rounded when written)
 * @param maxTokensPerSequence positions at or beyond this are refused; 0 means the model's
 *     max_position_embeddings
 */
public record SliceOptions(long kvBudgetBytes, int blockSize, DType kvDtype,
    int maxTokensPerSequence) {

  public static final int DEFAULT_BLOCK_SIZE = 16;

  public SliceOptions {
    if (kvBudgetBytes <= 0) {
      throw new IllegalArgumentException("KV budget must be positive, got " + kvBudgetBytes);
    }
    if (blockSize <= 0) {
      throw new IllegalArgumentException("KV block size must be positive, got " + blockSize);
    }
    if (kvDtype != DType.BF16 && kvDtype != DType.F32) {
      throw new IllegalArgumentException("KV cache dtype must be BF16 or F32, got " + kvDtype);
    }
    if (maxTokensPerSequence < 0) {
      throw new IllegalArgumentException("bad max tokens per sequence " + maxTokensPerSequence);
    }
  }

  /** A BF16 cache of {@code kvBudgetBytes} in blocks of 16 tokens, the model's full context. */
  public static SliceOptions withKvBudget(long kvBudgetBytes) {
    return new SliceOptions(kvBudgetBytes, DEFAULT_BLOCK_SIZE, DType.BF16, 0);
  }
}
