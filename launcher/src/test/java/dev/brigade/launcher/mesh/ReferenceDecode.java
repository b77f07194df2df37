package dev.brigade.launcher.mesh;

import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceModel;
import dev.brigade.engine.forward.SliceOptions;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.sampling.Sampler;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.sampling.TokenHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The whole model in one process, one sequence: what a pipeline must reproduce. */
final class ReferenceDecode {
  private ReferenceDecode() {}

  static List<Integer> generate(Path model, int[] prompt, SamplingParams params, int maxTokens) {
    try (Checkpoint c = Checkpoints.open(model);
        SliceModel m = SliceModel.load(c, new LayerRange(0, c.config().numLayers()), new ScalarBackend(),
            SliceOptions.withKvBudget(MeshCluster.KV_BUDGET))) {
      Sampler sampler = new Sampler();
      List<Integer> out = new ArrayList<>();
      int[] history = Arrays.copyOf(prompt, prompt.length + maxTokens);
      int[] input = prompt;
      int pos = 0;
      for (int i = 0; i < maxTokens; i++) {
        float[] logits = m.forward(List.of(SliceInput.ofTokens("ref", pos, input, true))).getFirst().logits();
        pos += input.length;
        int t = sampler.sample(logits, params, pos, new TokenHistory(history, prompt.length + i, prompt.length)).token();
        out.add(t);
        history[prompt.length + i] = t;
        input = new int[] {t};
      }
      return out;
    }
  }
}
