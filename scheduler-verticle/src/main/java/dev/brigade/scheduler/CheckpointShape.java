package dev.brigade.scheduler;

import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.Qwen3TensorNames;
import dev.brigade.protocol.plan.ModelShape;
import java.nio.file.Path;

/**
 * The allocator's {@link ModelShape} from a checkpoint on disk: byte sizes are the stored
 * tensors' real sizes (BF16, F16, F32 or FP8 with its scales), never estimates.
 */
public final class CheckpointShape {
  /** The KV cache holds BF16 values: 2 bytes per element. */
  private static final int KV_BYTES_PER_VALUE = 2;
  /** Activations cross stage boundaries as f32 at worst. */
  private static final int ACTIVATION_BYTES_PER_VALUE = 4;

  private CheckpointShape() {}

  public static ModelShape read(Path modelDir) {
    try (Checkpoint cp = Checkpoints.open(modelDir)) {
      return of(cp);
    }
  }

  public static ModelShape of(Checkpoint cp) {
    ModelConfig c = cp.config();
    long[] layerBytes = new long[c.numLayers()];
    long layerParams = 0;
    for (String name : cp.tensorNames()) {
      int layer = Qwen3TensorNames.layerOf(name);
      if (layer >= 0 && layer < c.numLayers()) {
        layerBytes[layer] += cp.tensor(name).bytes().byteSize();
        if (layer == 0 && !name.endsWith(Qwen3TensorNames.SCALE_INV_SUFFIX)) {
          layerParams += cp.tensor(name).elementCount();
        }
      }
    }
    long largestLayer = 0;
    for (long b : layerBytes) {
      largestLayer = Math.max(largestLayer, b);
    }
    long embedding = cp.tensor(Qwen3TensorNames.EMBED_TOKENS).bytes().byteSize();
    long norm = cp.tensor(Qwen3TensorNames.FINAL_NORM).bytes().byteSize();
    // A tied model's tail keeps its own copy of the embedding matrix as the output projection.
    long output = c.tieWordEmbeddings() ? embedding
        : cp.tensor(Qwen3TensorNames.LM_HEAD).bytes().byteSize();
    long kvPerTokenPerLayer = 2L * c.numKvHeads() * c.headDim() * KV_BYTES_PER_VALUE;
    return new ModelShape(
        c.name(),
        c.numLayers(),
        largestLayer,
        embedding,
        norm + output,
        kvPerTokenPerLayer,
        (long) c.hiddenSize() * ACTIVATION_BYTES_PER_VALUE,
        2.0 * layerParams,
        2.0 * c.vocabSize() * c.hiddenSize());
  }
}
