package dev.brigade.worker;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceModel;
import dev.brigade.engine.forward.SliceOptions;
import dev.brigade.engine.model.LayerRange;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The worker's speed, measured at start: decode steps of one token through one real layer of
 * the model on the chosen backend. The fastest step is the per-layer decode seconds the allocator
 * water-fills with: on a shared machine the slower steps measure the neighbours, not this node.
 * Blocking; run it off the event loop.
 */
public final class Calibration {
  private static final int WARMUP_STEPS = 4;
  private static final int TIMED_STEPS = 16;
  private static final long KV_BUDGET = 8L << 20;

  private Calibration() {}

  /** Seconds per layer for one decode token. */
  public static double layerSeconds(Path modelDir, Backend backend) {
    try (Checkpoint cp = Checkpoints.open(modelDir)) {
      int layers = cp.config().numLayers();
      // A middle layer needs no embeddings or lm_head, so the measurement costs little memory.
      LayerRange range = layers >= 3 ? new LayerRange(1, 2) : new LayerRange(0, 1);
      try (SliceModel slice = SliceModel.load(cp, range, backend, SliceOptions.withKvBudget(KV_BUDGET))) {
        return fastest(timeSteps(slice, cp.config().hiddenSize(), range.isHead()));
      }
    }
  }

  private static double[] timeSteps(SliceModel slice, int hidden, boolean head) {
    SplittableRandom random = new SplittableRandom(7);
    double[] seconds = new double[TIMED_STEPS];
    for (int step = 0; step < WARMUP_STEPS + TIMED_STEPS; step++) {
      SliceInput in;
      if (head) {
        in = SliceInput.ofTokens("calibration", step, new int[] {random.nextInt(1000)}, false);
      } else {
        float[] x = new float[hidden];
        for (int i = 0; i < hidden; i++) {
          x[i] = (float) random.nextGaussian();
        }
        in = SliceInput.ofHidden("calibration", step, 1, x, false);
      }
      long t0 = System.nanoTime();
      slice.forward(List.of(in));
      long t1 = System.nanoTime();
      if (step >= WARMUP_STEPS) {
        seconds[step - WARMUP_STEPS] = (t1 - t0) / 1e9;
      }
    }
    slice.free("calibration");
    return seconds;
  }

  private static double fastest(double[] xs) {
    return Math.max(1e-9, Arrays.stream(xs).min().orElseThrow());
  }
}
