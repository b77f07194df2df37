package dev.brigade.engine.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.backend.cpu.Bf16Panels;
import dev.brigade.engine.backend.cpu.Fp8Panels;
import dev.brigade.engine.kv.KvCacheFullException;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.LayerTensor;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.testing.MemoryCheckpoint;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SliceModelTest {
  private final ScalarBackend backend = new ScalarBackend();

  private static Set<String> layerTensors(int layer, boolean fp8) {
    Set<String> names = new HashSet<>();
    for (LayerTensor t : LayerTensor.values()) {
      names.add(t.name(layer));
      if (fp8 && t.isProjection()) {
        names.add(t.name(layer) + "_scale_inv");
      }
    }
    return names;
  }

  @Test
  void aSliceReadsOnlyItsOwnTensors() {
    ModelConfig untied = MemoryCheckpoint.smallConfig(4, false, true);
    MemoryCheckpoint middle = MemoryCheckpoint.random(untied, DType.F8_E4M3, DType.BF16, 1);
    SliceModel.load(middle, new LayerRange(1, 3), backend, SliceOptions.withKvBudget(1 << 20))
        .close();
    Set<String> expected = layerTensors(1, true);
    expected.addAll(layerTensors(2, true));
    assertEquals(expected, middle.readTensors());

    MemoryCheckpoint tail = MemoryCheckpoint.random(untied, DType.BF16, DType.BF16, 1);
    SliceModel.load(tail, new LayerRange(3, 4), backend, SliceOptions.withKvBudget(1 << 20))
        .close();
    Set<String> tailNames = layerTensors(3, false);
    tailNames.add("model.norm.weight");
    tailNames.add("lm_head.weight");
    assertEquals(tailNames, tail.readTensors());

    // tied: the tail's classifier is the embedding matrix
    MemoryCheckpoint tied = MemoryCheckpoint.random(MemoryCheckpoint.smallConfig(4, true, false),
        DType.BF16, DType.BF16, 1);
    SliceModel.load(tied, new LayerRange(3, 4), backend, SliceOptions.withKvBudget(1 << 20))
        .close();
    Set<String> tiedNames = layerTensors(3, false);
    tiedNames.add("model.norm.weight");
    tiedNames.add("model.embed_tokens.weight");
    assertEquals(tiedNames, tied.readTensors());
  }

  @Test
  void memoryMatchesLayerBytesAndTheKvBudget() {
    ModelConfig c = MemoryCheckpoint.smallConfig(4, false, true);
    MemoryCheckpoint ckpt = MemoryCheckpoint.random(c, DType.F8_E4M3, DType.BF16, 2);
    LayerBytes sizes = LayerBytes.of(ckpt, DType.BF16);
    // one FP8 layer: projections 1 byte per element, one BF16 scale per 128x128 block (all
    // matrices here are smaller than a block), norms in BF16
    long h = 40;
    long q = 48;
    long kv = 24;
    long inter = 72;
    long projections = q * h + 2 * kv * h + h * q + 2 * inter * h + h * inter;
    long layer = projections + 7 * 2 + (2 * h + 2 * 12) * 2;
    assertEquals(layer, sizes.perLayer()[0]);
    assertEquals(97 * h * 2, sizes.embedBytes());
    assertEquals(2L * 2 * 12 * 2, sizes.kvBytesPerTokenPerLayer());
    try (SliceModel tail = SliceModel.load(ckpt, new LayerRange(2, 4), backend,
        new SliceOptions(10_000, 16, DType.BF16, 0))) {
      SliceMemory m = tail.memory();
      // the CPU kernels keep BF16 and FP8 matrices in panels of whole rows (FP8 also of whole
      // column quads): lm_head's 97 rows take 112, k's and v's 24 take 32, and so on
      long lmHeadPadding = Bf16Panels.bytes(97, h) - 97 * h * 2;
      long[][] shapes = {{q, h}, {kv, h}, {kv, h}, {h, q}, {inter, h}, {inter, h}, {h, inter}};
      long projectionPadding = 0;
      for (long[] shape : shapes) {
        projectionPadding += Fp8Panels.bytes(shape[0], shape[1]) - shape[0] * shape[1];
      }
      assertEquals(sizes.sliceWeightBytes(2, 4, false, true) + lmHeadPadding
          + 2 * projectionPadding, m.weightBytes());
      // a block of 16 tokens over 2 layers takes 16 * 2 * 96 bytes = 3072: 3 blocks fit
      assertEquals(3, tail.kvCache().totalBlocks());
      assertEquals(3 * 3072, m.kvBytes());
      assertEquals(48, m.kvTokens());
    }
    IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
        () -> SliceModel.load(ckpt, new LayerRange(2, 4), backend,
            new SliceOptions(3000, 16, DType.BF16, 0)));
    assertEquals("KV budget of 3000 bytes holds no block (one block of 16 tokens over 2 layers"
        + " takes 3072 bytes)", tooSmall.getMessage());
  }

  @Test
  void aFullCacheRefusesTheBatchBeforeAnyWorkAndFreeingMakesRoom() {
    ModelConfig c = MemoryCheckpoint.smallConfig(2, true, false);
    MemoryCheckpoint ckpt = MemoryCheckpoint.random(c, DType.BF16, DType.BF16, 3);
    // 4 blocks of 4 tokens
    SliceOptions options = new SliceOptions(4L * 4 * 2 * 2 * 12 * 4 * 2, 4, DType.F32, 0);
    try (SliceModel model = SliceModel.load(ckpt, new LayerRange(0, 2), backend, options);
        SliceModel fresh = SliceModel.load(ckpt, new LayerRange(0, 2), backend, options)) {
      assertEquals(4, model.kvCache().totalBlocks());
      model.forward(List.of(SliceInput.ofTokens("a", 0, new int[] {1, 2, 3, 4, 5}, true)));
      KvCacheFullException full = assertThrows(KvCacheFullException.class,
          () -> model.forward(List.of(
              SliceInput.ofTokens("b", 0, new int[] {6, 7, 8, 9, 10, 11, 12, 13, 14}, true),
              SliceInput.ofTokens("a", 5, new int[] {11}, true))));
      assertEquals("KV cache full: need 3 blocks, 2 free of 4", full.getMessage());
      assertEquals(5, model.kvCache().length("a"));
      // nothing changed: "a" continues exactly as on a fresh model
      fresh.forward(List.of(SliceInput.ofTokens("a", 0, new int[] {1, 2, 3, 4, 5}, true)));
      float[] expected = fresh.forward(List.of(SliceInput.ofTokens("a", 5, new int[] {11},
          true))).get(0).logits();
      assertArrayEquals(expected, model.forward(List.of(SliceInput.ofTokens("a", 5,
          new int[] {11}, true))).get(0).logits());
      model.free("a");
      assertEquals(4, model.kvCache().freeBlocks());
      model.forward(List.of(
          SliceInput.ofTokens("b", 0, new int[] {6, 7, 8, 9, 10, 11, 12, 13, 14}, false)));
    }
  }

  @Test
  void outputsFollowTheBatchAndBadInputsNameTheProblem() {
    ModelConfig c = MemoryCheckpoint.smallConfig(2, true, false);
    MemoryCheckpoint ckpt = MemoryCheckpoint.random(c, DType.BF16, DType.BF16, 4);
    try (SliceModel head = SliceModel.load(ckpt, new LayerRange(0, 1), backend,
            SliceOptions.withKvBudget(1 << 20));
        SliceModel tail = SliceModel.load(ckpt, new LayerRange(1, 2), backend,
            SliceOptions.withKvBudget(1 << 20))) {
      List<SliceOutput> mid = head.forward(List.of(
          SliceInput.ofTokens("x", 0, new int[] {1, 2}, false),
          SliceInput.ofTokens("y", 0, new int[] {3}, true)));
      assertEquals(2 * 40, mid.get(0).hidden().length);
      assertEquals(40, mid.get(1).hidden().length);
      List<SliceOutput> out = tail.forward(mid.stream().map(SliceOutput::next).toList());
      assertNull(out.get(0).logits());
      assertEquals(97, out.get(1).logits().length);

      assertEquals("sequence z: token id 97 is outside the vocabulary of 97",
          assertThrows(IllegalArgumentException.class, () -> head.forward(List.of(
              SliceInput.ofTokens("z", 0, new int[] {97}, true)))).getMessage());
      assertEquals("sequence z: slice [1,2) needs hidden states, got token ids",
          assertThrows(IllegalArgumentException.class, () -> tail.forward(List.of(
              SliceInput.ofTokens("z", 0, new int[] {1}, true)))).getMessage());
      assertEquals("sequence z: 3 hidden values for 1 tokens of width 40",
          assertThrows(IllegalArgumentException.class, () -> tail.forward(List.of(
              SliceInput.ofHidden("z", 0, 1, new float[3], true)))).getMessage());
      assertEquals("sequence x has 2 tokens cached, cannot continue at position 5",
          assertThrows(IllegalArgumentException.class, () -> head.forward(List.of(
              SliceInput.ofTokens("x", 5, new int[] {1}, true)))).getMessage());
    }
  }
}
