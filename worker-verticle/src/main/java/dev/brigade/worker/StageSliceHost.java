package dev.brigade.worker;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.forward.LayerBytes;
import dev.brigade.engine.model.DType;
import dev.brigade.protocol.control.SliceAssignment;
import dev.brigade.worker.stage.StageServer;
import io.vertx.core.Future;
import java.nio.file.Path;

/**
 * Hosts the slice on the worker's {@link StageServer}: the KV cache gets what the memory budget
 * leaves after the slice's weights (sized from the checkpoint's real dtypes). A slice that does
 * not fit fails to load with a message naming both sizes.
 */
public final class StageSliceHost implements SliceHost {
  private final StageServer stage;
  private final Path modelDir;
  private final SelectedBackend backend;
  private final long memoryBytes;
  private final LayerBytes sizes;
  private Backend device;

  public StageSliceHost(StageServer stage, Path modelDir, SelectedBackend backend, long memoryBytes) {
    this.stage = stage;
    this.modelDir = modelDir;
    this.backend = backend;
    this.memoryBytes = memoryBytes;
    try (Checkpoint cp = Checkpoints.open(modelDir)) {
      this.sizes = LayerBytes.of(cp, DType.BF16);
    }
  }

  @Override
  public Future<Void> load(SliceAssignment a) {
    long weights = sizes.sliceWeightBytes(a.layerStart(), a.layerEnd(), a.isHead(), a.isTail());
    long kvBudget = memoryBytes - weights;
    if (kvBudget <= 0) {
      return Future.failedFuture("layers [" + a.layerStart() + ", " + a.layerEnd() + ") need "
          + MemorySize.format(weights) + " of weights but the budget is " + MemorySize.format(memoryBytes));
    }
    if (device == null) {
      device = backend.factory().get(); // one backend (and thread pool) for the worker's life
    }
    return stage.load(a, modelDir, device, kvBudget);
  }

  /** The stage server takes routing from the assignment it loads, so a re-route loads again. */
  @Override
  public Future<Void> reroute(SliceAssignment a) {
    return load(a);
  }

  @Override
  public Future<Void> unload() {
    return stage.unload();
  }

  @Override
  public int activeSequences() {
    return stage.figures().activeSequences();
  }

  @Override
  public long usedBytes() {
    return stage.figures().weightBytes() + stage.figures().kvBytes();
  }

  @Override
  public long kvTokens() {
    return stage.figures().kvTokens();
  }
}
