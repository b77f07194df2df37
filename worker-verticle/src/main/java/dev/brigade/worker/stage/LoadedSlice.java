package dev.brigade.worker.stage;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceModel;
import dev.brigade.engine.forward.SliceOptions;
import dev.brigade.engine.forward.SliceOutput;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.protocol.control.SliceAssignment;
import java.nio.file.Path;
import java.util.List;

/** A stage's loaded layers: the engine slice, its KV cache, and (at the tail) a sampler. */
final class LoadedSlice implements AutoCloseable {
  private final SliceAssignment assignment;
  private final SliceModel model;
  private final Backend backend;
  private final TailSampler sampler;
  private final long weightBytes;
  private final long kvBytes;

  private LoadedSlice(SliceAssignment assignment, SliceModel model, Backend backend) {
    this.assignment = assignment;
    this.model = model;
    this.backend = backend;
    this.sampler = assignment.isTail() ? new TailSampler() : null;
    this.weightBytes = model.memory().weightBytes();
    this.kvBytes = model.memory().kvBytes();
  }

  /**
   * Reads only the assigned layers (plus embeddings at the head, norm and lm_head at the tail).
   * The slice owns {@code backend} from then on and closes it with itself.
   */
  static LoadedSlice load(SliceAssignment a, Path modelDir, Backend backend, long kvBudgetBytes) {
    try (Checkpoint checkpoint = Checkpoints.open(modelDir)) {
      if (checkpoint.config().numLayers() != a.numLayers()) {
        throw new IllegalArgumentException("assignment is for a model of " + a.numLayers()
            + " layers but " + modelDir + " has " + checkpoint.config().numLayers());
      }
      SliceModel model = SliceModel.load(checkpoint, new LayerRange(a.layerStart(), a.layerEnd()),
          backend, SliceOptions.withKvBudget(kvBudgetBytes));
      return new LoadedSlice(a, model, backend);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /** The same weights and KV cache serving new neighbours (a repaired or re-routed pipeline). */
  LoadedSlice rerouted(SliceAssignment a) {
    if (a.layerStart() != assignment.layerStart() || a.layerEnd() != assignment.layerEnd()
        || a.numLayers() != assignment.numLayers()) {
      throw new IllegalArgumentException("re-route to layers [" + a.layerStart() + ", " + a.layerEnd()
          + ") of a slice holding [" + assignment.layerStart() + ", " + assignment.layerEnd() + ")");
    }
    return new LoadedSlice(a, model, backend);
  }

  SliceAssignment assignment() {
    return assignment;
  }

  List<SliceOutput> forward(List<SliceInput> batch) {
    return model.forward(batch);
  }

  void free(String seqId) {
    model.free(seqId);
  }

  TailSampler sampler() {
    return sampler;
  }

  int hiddenSize() {
    return model.config().hiddenSize();
  }

  int totalBlocks() {
    return model.kvCache().totalBlocks();
  }

  int blockSize() {
    return model.kvCache().blockSize();
  }

  int maxTokensPerSequence() {
    return model.kvCache().maxTokensPerSequence();
  }

  /** Sequences holding KV blocks right now (for tests and figures). */
  int cachedSequences() {
    return model.kvCache().sequenceCount();
  }

  long weightBytes() {
    return weightBytes;
  }

  long kvBytes() {
    return kvBytes;
  }

  @Override
  public void close() {
    model.close();
    backend.close();
  }
}
