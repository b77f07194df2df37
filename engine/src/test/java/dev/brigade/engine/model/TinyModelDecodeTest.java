package dev.brigade.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.generate.Generator;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.engine.text.Qwen3Tokenizer;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The tiny model's weights are spread so that greedy decoding wanders through the vocabulary
 * instead of collapsing onto one repeated token (which would make golden-decode comparisons
 * across slices prove little).
 */
class TinyModelDecodeTest {
  private static final int STEPS = 24;

  @Test
  void greedyDecodeDoesNotCollapseOntoOneToken() {
    Qwen3Tokenizer tokenizer = Qwen3Tokenizer.fromResources();
    try (CpuBackend cpu = new CpuBackend(2)) {
      for (boolean fp8 : new boolean[] {false, true}) {
        try (Checkpoint ckpt = Checkpoints.open(TinyModelFixture.path(fp8));
            SliceChain chain = SliceChain.load(ckpt, cpu, 6, 64, DType.BF16)) {
          for (String prompt : new String[] {"Hello, my name is", "1, 2, 3,", "def main():"}) {
            int[] ids = new Generator(chain).generate("s", tokenizer.encode(prompt), STEPS,
                SamplingParams.greedy(), Set.of(), t -> {});
            String what = "fp8=" + fp8 + " '" + prompt + "' -> " + Arrays.toString(ids);
            assertTrue(ids.length == STEPS, what);
            assertTrue(Arrays.stream(ids).distinct().count() >= 16, what);
            for (int id : ids) {
              assertTrue(Arrays.stream(ids).filter(x -> x == id).count() <= STEPS / 4, what);
              assertTrue(id < TokenizerFiles.DEFINED_TOKENS, "id without text: " + what);
            }
          }
        }
      }
    }
  }
}
