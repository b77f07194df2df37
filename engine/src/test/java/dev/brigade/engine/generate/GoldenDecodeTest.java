package dev.brigade.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceOutput;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.testing.ReferenceQwen3;
import dev.brigade.engine.testing.TinyModelFixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Greedy decoding of the tiny model (6 layers, vocab 151936) on the CPU backend: the same ids
 * and bit-identical logits for 1, 2 and 3 slices, for BF16 and FP8 weights, for a sequence alone
 * and inside mixed batches of prefill chunks and decode steps; and logits that agree with the
 * independent reference model.
 */
class GoldenDecodeTest {
  private static final int[] PROMPT = {785, 6722, 315, 9625, 374, 12095, 13, 576, 6722, 315};
  private static final int STEPS = 8;
  private static final CpuBackend CPU = new CpuBackend(2);

  @AfterAll
  static void close() {
    CPU.close();
  }

  /** Greedy ids and the logits that chose them, running the sequence alone. */
  private record Run(int[] ids, List<float[]> logits) {}

  private static Run alone(SliceChain chain, String seq) {
    List<float[]> logits = new ArrayList<>();
    int[] ids = new int[STEPS];
    float[] l = chain.forward(List.of(SliceInput.ofTokens(seq, 0, PROMPT, true))).get(0).logits();
    for (int i = 0; i < STEPS; i++) {
      logits.add(l);
      ids[i] = argmax(l);
      if (i + 1 < STEPS) {
        l = chain.forward(List.of(SliceInput.ofTokens(seq, PROMPT.length + i,
            new int[] {ids[i]}, true))).get(0).logits();
      }
    }
    chain.free(seq);
    return new Run(ids, logits);
  }

  @Test
  void oneTwoAndThreeSlicesGiveIdenticalIdsAndLogits() {
    for (boolean fp8 : new boolean[] {false, true}) {
      Run first = null;
      for (int layersPerSlice : new int[] {6, 3, 2}) {
        try (Checkpoint ckpt = Checkpoints.open(TinyModelFixture.path(fp8));
            SliceChain chain = SliceChain.load(ckpt, CPU, layersPerSlice, 64, DType.BF16)) {
          assertEquals(6 / layersPerSlice, chain.slices().size());
          Run run = alone(chain, "s");
          if (first == null) {
            first = run;
          } else {
            assertArrayEquals(first.ids(), run.ids(), "fp8=" + fp8 + " k=" + layersPerSlice);
            for (int i = 0; i < STEPS; i++) {
              assertArrayEquals(first.logits().get(i), run.logits().get(i));
            }
          }
        }
      }
      // the decode must not be degenerate, or the comparison would prove little
      assertTrue(Arrays.stream(first.ids()).distinct().count() > 2,
          "fp8=" + fp8 + " ids " + Arrays.toString(first.ids()));
    }
  }

  @Test
  void aSequenceGivesBitIdenticalResultsAloneAndInMixedBatches() {
    for (boolean fp8 : new boolean[] {false, true}) {
      try (Checkpoint ckpt = Checkpoints.open(TinyModelFixture.path(fp8));
          SliceChain chain = SliceChain.load(ckpt, CPU, 2, 64, DType.BF16)) {
        Run alone = alone(chain, "a");
        // "a" again, now always next to other sequences: "b" prefilling in chunks of 3 then
        // decoding, "c" decoding from the start; batch order varies.
        int[] other = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        Map<String, Integer> length = new HashMap<>();
        List<SliceInput> batch = List.of(
            SliceInput.ofTokens("b", 0, Arrays.copyOfRange(other, 0, 3), false),
            SliceInput.ofTokens("a", 0, PROMPT, true),
            SliceInput.ofTokens("c", 0, new int[] {42}, true));
        length.put("b", 3);
        length.put("c", 1);
        int[] ids = new int[STEPS];
        for (int i = 0; i < STEPS; i++) {
          List<SliceOutput> out = chain.forward(batch);
          SliceOutput a = out.stream().filter(o -> o.sequenceId().equals("a")).findFirst()
              .orElseThrow();
          assertArrayEquals(alone.logits().get(i), a.logits(), "fp8=" + fp8 + " step " + i);
          ids[i] = argmax(a.logits());
          int b = length.get("b");
          SliceInput bIn = b < other.length
              ? SliceInput.ofTokens("b", b, Arrays.copyOfRange(other, b, Math.min(b + 3,
                  other.length)), b + 3 >= other.length)
              : SliceInput.ofTokens("b", b, new int[] {7}, true);
          length.put("b", bIn.startPosition() + bIn.count());
          SliceInput cIn = SliceInput.ofTokens("c", length.get("c"), new int[] {i + 100}, true);
          length.put("c", length.get("c") + 1);
          SliceInput aIn = SliceInput.ofTokens("a", PROMPT.length + i, new int[] {ids[i]}, true);
          batch = i % 2 == 0 ? List.of(cIn, aIn, bIn) : List.of(aIn, bIn, cIn);
        }
        assertArrayEquals(alone.ids(), ids);
      }
    }
  }

  @Test
  void tinyModelLogitsAgreeWithTheIndependentReference() {
    for (boolean fp8 : new boolean[] {false, true}) {
      try (Checkpoint ckpt = Checkpoints.open(TinyModelFixture.path(fp8));
          SliceChain chain = SliceChain.load(ckpt, CPU, 3, 64, DType.F32)) {
        Run run = alone(chain, "r");
        int[] all = Arrays.copyOf(PROMPT, PROMPT.length + STEPS - 1);
        System.arraycopy(run.ids(), 0, all, PROMPT.length, STEPS - 1);
        double[][] expected = new ReferenceQwen3(ckpt).logits(all);
        for (int i = 0; i < STEPS; i++) {
          double[] e = expected[PROMPT.length - 1 + i];
          float[] got = run.logits().get(i);
          double scale = Arrays.stream(e).map(Math::abs).max().orElseThrow();
          for (int v = 0; v < e.length; v++) {
            assertEquals(e[v], got[v], 1e-4 * scale, "fp8=" + fp8 + " step " + i + " id " + v);
          }
        }
      }
    }
  }

  @Test
  void generatorStopsAtMaxTokensAndMatchesTheManualLoop() {
    try (Checkpoint ckpt = Checkpoints.open(TinyModelFixture.path(false));
        SliceChain chain = SliceChain.load(ckpt, CPU, 3, 64, DType.BF16)) {
      Run run = alone(chain, "g");
      // prefill in chunks of 4 tokens must not change anything
      Generator generator = new Generator(chain, 4);
      List<Integer> streamed = new ArrayList<>();
      int[] ids = generator.generate("g", PROMPT, STEPS, SamplingParams.greedy(), Set.of(),
          streamed::add);
      assertArrayEquals(run.ids(), ids);
      assertEquals(STEPS, streamed.size());
      assertEquals(0, chain.slices().get(0).kvCache().sequenceCount(), "KV freed at the end");
      // a stop token ends the sequence and is not returned
      int[] stopped = generator.generate("g", PROMPT, STEPS, SamplingParams.greedy(),
          Set.of(run.ids()[3]), t -> {});
      int firstStop = 0;
      while (run.ids()[firstStop] != run.ids()[3]) {
        firstStop++;
      }
      assertArrayEquals(Arrays.copyOf(run.ids(), firstStop), stopped);
    }
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
