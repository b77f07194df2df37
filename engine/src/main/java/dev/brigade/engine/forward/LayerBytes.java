package dev.brigade.engine.forward;

import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerTensor;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.Qwen3TensorNames;

/**
 * Memory a slice of a checkpoint needs, from the tensors' real dtypes (FP8 block scales
 * included): what the scheduler's allocator sizes slices with. Reads only tensor headers.
 *
 * @param perLayer weight bytes of each decoder layer
 * @param embedBytes token embeddings (held by the head)
 * @param lmHeadBytes lm_head (held by the tail; the embedding's size when tied, since the tail
 *     must hold a copy of it)
 * @param finalNormBytes the final norm (held by the tail)
 * @param kvBytesPerTokenPerLayer K plus V of one token in one layer at {@code kvDtype}
 */
public record LayerBytes(
    long[] perLayer, long embedBytes, long lmHeadBytes, long finalNormBytes,
    long kvBytesPerTokenPerLayer, DType kvDtype) {

  /** Sizes for every layer of {@code checkpoint}, with a KV cache of {@code kvDtype}. */
  public static LayerBytes of(Checkpoint checkpoint, DType kvDtype) {
    ModelConfig c = checkpoint.config();
    long[] perLayer = new long[c.numLayers()];
    for (int l = 0; l < c.numLayers(); l++) {
      for (LayerTensor t : LayerTensor.values()) {
        perLayer[l] += bytesWithScale(checkpoint, t.name(l));
      }
    }
    long embed = bytesWithScale(checkpoint, Qwen3TensorNames.EMBED_TOKENS);
    long lmHead = c.tieWordEmbeddings()
        ? embed : bytesWithScale(checkpoint, Qwen3TensorNames.LM_HEAD);
    long norm = bytesWithScale(checkpoint, Qwen3TensorNames.FINAL_NORM);
    long kv = 2L * c.numKvHeads() * c.headDim() * kvDtype.bytes();
    return new LayerBytes(perLayer, embed, lmHead, norm, kv, kvDtype);
  }

  private static long bytesWithScale(Checkpoint checkpoint, String name) {
    long bytes = bytesOf(checkpoint.tensor(name));
    String scale = Qwen3TensorNames.scaleInv(name);
    if (checkpoint.has(scale)) {
      bytes += bytesOf(checkpoint.tensor(scale));
    }
    return bytes;
  }

  private static long bytesOf(TensorData t) {
    return t.elementCount() * t.dtype().bytes();
  }

  /** Weight bytes of layers [start, end), plus embeddings / final norm + lm_head as asked. */
  public long sliceWeightBytes(int start, int end, boolean head, boolean tail) {
    long sum = 0;
    for (int l = start; l < end; l++) {
      sum += perLayer[l];
    }
    if (head) {
      sum += embedBytes;
    }
    if (tail) {
      sum += finalNormBytes + lmHeadBytes;
    }
    return sum;
  }

  /** All weight bytes of the model (the tied lm_head counted once). */
  public long totalWeightBytes(boolean tied) {
    return sliceWeightBytes(0, perLayer.length, true, true) - (tied ? lmHeadBytes : 0);
  }
}
