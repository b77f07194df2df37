package dev.brigade.scheduler;

import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.forward.LayerBytes;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerTensor;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.protocol.plan.ModelShape;
import java.nio.file.Path;

/**
 * The allocator's {@link ModelShape} from a checkpoint on disk: byte sizes come from the stored
 * tensors' real dtypes (FP8 scales included) through the engine's {@link LayerBytes}; no
 * tensor data is read.
 */
public final class CheckpointShape {
  /** The KV cache the workers allocate holds BF16 values. */
  private static final DType KV_DTYPE = DType.BF16;
  /** Activations cross stage boundaries as f32 at worst. */
  private static final int ACTIVATION_BYTES_PER_VALUE = 4;

  private CheckpointShape() {}

  /** Throws naming the folder when it holds no readable checkpoint. */
  public static ModelShape read(Path modelDir) {
    try (Checkpoint cp = Checkpoints.open(modelDir)) {
      return of(cp);
    }
  }

  public static ModelShape of(Checkpoint cp) {
    ModelConfig c = cp.config();
    LayerBytes bytes = LayerBytes.of(cp, KV_DTYPE);
    long largestLayer = 0;
    for (long b : bytes.perLayer()) {
      largestLayer = Math.max(largestLayer, b);
    }
    long layerParams = 0;
    for (LayerTensor t : LayerTensor.values()) {
      layerParams += cp.tensor(t.name(0)).elementCount();
    }
    return new ModelShape(
        c.name(),
        c.numLayers(),
        largestLayer,
        bytes.embedBytes(),
        bytes.finalNormBytes() + bytes.lmHeadBytes(),
        bytes.kvBytesPerTokenPerLayer(),
        (long) c.hiddenSize() * ACTIVATION_BYTES_PER_VALUE,
        2.0 * layerParams,
        2.0 * c.vocabSize() * c.hiddenSize());
  }
}
