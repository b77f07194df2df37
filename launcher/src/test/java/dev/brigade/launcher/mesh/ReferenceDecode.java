package dev.brigade.launcher.mesh;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.generate.Generator;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.sampling.SamplingParams;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The engine's single-process Generator over the whole model: what a pipeline must reproduce. */
public final class ReferenceDecode {
  private ReferenceDecode() {}

  public static List<Integer> generate(Path model, int[] prompt, SamplingParams params, int maxTokens) {
    return generate(model, prompt, params, maxTokens, new ScalarBackend());
  }

  /** The same on {@code backend} (closed afterwards): pipelines must match their own backend. */
  public static List<Integer> generate(Path model, int[] prompt, SamplingParams params, int maxTokens,
      Backend backend) {
    try (Backend b = backend;
        Checkpoint c = Checkpoints.open(model);
        SliceChain chain = SliceChain.load(c, b, c.config().numLayers(),
            c.config().maxPositionEmbeddings(), DType.BF16)) {
      int[] out = new Generator(chain).generate("reference", prompt, maxTokens, params, Set.of(), t -> {});
      return Arrays.stream(out).boxed().toList();
    }
  }
}
