package dev.brigade.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceModel;
import dev.brigade.engine.forward.SliceOptions;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.testing.TinyModelFixture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Greedy decoding of the tiny model on the GPU gives the CPU backend's tokens, for BF16 and FP8
 * weights, with the whole model on the GPU and as a mixed pipeline (CPU slice then GPU slice,
 * hidden states crossing between them as between nodes). Needs a GPU: skipped elsewhere.
 */
class CudaGoldenDecodeTest {
  private static final int[] PROMPT = {785, 6722, 315, 9625, 374, 12095, 13, 576, 6722, 315};
  private static final int STEPS = 12;
  private static final int CONTEXT = 64;

  @Test
  void greedyTokensMatchTheCpuBackendWholeAndMixed() {
    CudaBackendParityTest.assumeCuda();
    try (CpuBackend cpu = new CpuBackend(2); CudaBackend gpu = new CudaBackend(CudaBackendProvider.deviceIndex())) {
      for (boolean fp8 : new boolean[] {false, true}) {
        try (Checkpoint ckpt = Checkpoints.open(TinyModelFixture.path(fp8))) {
          List<float[]> cpuLogits = new ArrayList<>();
          int[] expected;
          try (SliceChain chain = SliceChain.load(ckpt, cpu, 6, CONTEXT, DType.BF16)) {
            expected = greedy(chain, cpuLogits);
          }
          assertTrue(java.util.Arrays.stream(expected).distinct().count() > 2,
              "the decode must not be degenerate");
          List<float[]> gpuLogits = new ArrayList<>();
          try (SliceChain chain = SliceChain.load(ckpt, gpu, 3, CONTEXT, DType.BF16)) {
            assertArrayEquals(expected, greedy(chain, gpuLogits), "fp8=" + fp8 + " all on GPU");
          }
          for (int i = 0; i < STEPS; i++) {
            float[] c = cpuLogits.get(i);
            float[] g = gpuLogits.get(i);
            double scale = 0;
            for (float v : c) {
              scale = Math.max(scale, Math.abs(v));
            }
            for (int v = 0; v < c.length; v++) {
              assertEquals(c[v], g[v], 1e-3 * scale, "fp8=" + fp8 + " step " + i + " id " + v);
            }
          }
          try (SliceChain mixed = mixed(ckpt, cpu, gpu)) {
            assertArrayEquals(expected, greedy(mixed, new ArrayList<>()),
                "fp8=" + fp8 + " CPU slice then GPU slice");
          }
        }
      }
    }
  }

  /** Layers 0-2 on the CPU, 3-5 (and the head) on the GPU. */
  private static SliceChain mixed(Checkpoint ckpt, Backend cpu, Backend gpu) {
    ModelConfig c = ckpt.config();
    int half = c.numLayers() / 2;
    long perLayer = (long) CONTEXT * 2 * c.numKvHeads() * c.headDim() * DType.BF16.bytes();
    SliceOptions front = new SliceOptions(perLayer * half, SliceOptions.DEFAULT_BLOCK_SIZE,
        DType.BF16, CONTEXT);
    SliceOptions back = new SliceOptions(perLayer * (c.numLayers() - half),
        SliceOptions.DEFAULT_BLOCK_SIZE, DType.BF16, CONTEXT);
    return new SliceChain(List.of(
        SliceModel.load(ckpt, new LayerRange(0, half), cpu, front),
        SliceModel.load(ckpt, new LayerRange(half, c.numLayers()), gpu, back)));
  }

  private static int[] greedy(SliceChain chain, List<float[]> logits) {
    int[] ids = new int[STEPS];
    float[] l = chain.forward(List.of(SliceInput.ofTokens("s", 0, PROMPT, true))).get(0)
        .logits();
    for (int i = 0; i < STEPS; i++) {
      logits.add(l);
      ids[i] = argmax(l);
      if (i + 1 < STEPS) {
        l = chain.forward(List.of(SliceInput.ofTokens("s", PROMPT.length + i,
            new int[] {ids[i]}, true))).get(0).logits();
      }
    }
    chain.free("s");
    return ids;
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
