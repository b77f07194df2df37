package dev.brigade.engine.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.testing.MemoryCheckpoint;
import dev.brigade.engine.testing.ReferenceQwen3;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slice forward pass (scalar oracle, paged cache, chunks) against an independent model. */
class SliceReferenceTest {
  private static final int[] TOKENS = {5, 17, 3, 96, 42, 42, 0, 61, 7};

  private static SliceOptions f32Kv() {
    return new SliceOptions(1 << 20, 4, DType.F32, 0);
  }

  @Test
  void chunkedPrefillAndDecodeMatchTheReferenceAtEveryPosition() {
    for (DType proj : new DType[] {DType.BF16, DType.F8_E4M3, DType.F32}) {
      ModelConfig config = MemoryCheckpoint.smallConfig(2, true, proj == DType.F8_E4M3);
      MemoryCheckpoint ckpt = MemoryCheckpoint.random(config, proj, DType.BF16, 11);
      double[][] expected = new ReferenceQwen3(ckpt).logits(TOKENS);
      Backend backend = new ScalarBackend();
      try (SliceModel model = SliceModel.load(ckpt, new LayerRange(0, 2), backend, f32Kv())) {
        // prefill 0..4 as one chunk (logits of position 4), then one token at a time
        float[] logits = run(model, 0, 5);
        assertClose(expected[4], logits, proj + " prefill");
        for (int pos = 5; pos < TOKENS.length; pos++) {
          assertClose(expected[pos], run(model, pos, 1), proj + " decode at " + pos);
        }
      }
    }
  }

  @Test
  void twoSlicesPassingHiddenStatesMatchTheReference() {
    ModelConfig config = MemoryCheckpoint.smallConfig(3, false, false);
    MemoryCheckpoint ckpt = MemoryCheckpoint.random(config, DType.BF16, DType.BF16, 5);
    double[][] expected = new ReferenceQwen3(ckpt).logits(TOKENS);
    Backend backend = new ScalarBackend();
    try (SliceModel head = SliceModel.load(ckpt, new LayerRange(0, 1), backend, f32Kv());
        SliceModel tail = SliceModel.load(ckpt, new LayerRange(1, 3), backend, f32Kv())) {
      assertTrue(head.isHead() && !head.isTail() && tail.isTail() && !tail.isHead());
      int[] chunk = java.util.Arrays.copyOfRange(TOKENS, 0, TOKENS.length);
      SliceOutput mid = head.forward(List.of(SliceInput.ofTokens("s", 0, chunk, true))).get(0);
      assertEquals(TOKENS.length * config.hiddenSize(), mid.hidden().length);
      SliceOutput out = tail.forward(List.of(mid.next())).get(0);
      assertClose(expected[TOKENS.length - 1], out.logits(), "two slices");
    }
  }

  private static float[] run(SliceModel model, int start, int count) {
    int[] chunk = java.util.Arrays.copyOfRange(TOKENS, start, start + count);
    return model.forward(List.of(SliceInput.ofTokens("seq", start, chunk, true))).get(0).logits();
  }

  /** Within 1e-4 of the largest logit: f32 arithmetic against a double reference. */
  static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      assertTrue(diff <= 1e-4 * scale + 1e-6,
          what + ": logit " + i + " is " + actual[i] + ", reference " + expected[i]);
    }
  }
}
