package dev.brigade.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.checkpoint.SafetensorsCheckpoint;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.numeric.Bf16;
import dev.brigade.engine.numeric.Dequantize;
import dev.brigade.engine.testing.TinyModelFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TinyModelTest {

  @Test
  void writesFullHuggingFaceLayoutWithTheRightShapes() {
    Path dir = TinyModelFixture.path(false);
    for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors",
        "tokenizer.json", "tokenizer_config.json"}) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
    try (SafetensorsCheckpoint ckpt = Checkpoints.open(dir)) {
      ModelConfig c = ckpt.config();
      assertEquals(TinyModel.config(false), withName(c, TinyModel.NAME));
      assertTrue(c.numHeads() * c.headDim() != c.hiddenSize());
      assertFalse(ckpt.has(Qwen3TensorNames.LM_HEAD), "tied: no lm_head stored");
      // 1 embedding + 6 layers x 11 + final norm
      assertEquals(1 + 6 * 11 + 1, ckpt.tensorNames().size());
      for (String name : Qwen3TensorNames.sliceTensors(c, new LayerRange(0, 6))) {
        TensorData t = ckpt.tensor(name, Qwen3TensorNames.shapeOf(c, name));
        assertEquals(DType.BF16, t.dtype(), name);
      }
      assertArrayEquals(new long[] {192, 128},
          ckpt.tensor(LayerTensor.Q_PROJ.name(5)).shape());
      assertArrayEquals(new long[] {96, 128}, ckpt.tensor(LayerTensor.K_PROJ.name(0)).shape());
      assertArrayEquals(new long[] {128, 192}, ckpt.tensor(LayerTensor.O_PROJ.name(0)).shape());
      assertArrayEquals(new long[] {48}, ckpt.tensor(LayerTensor.Q_NORM.name(0)).shape());
    }
  }

  @Test
  void storedBf16IsTheRoundedFloatWeights() {
    ModelConfig c = TinyModel.config(false);
    try (SafetensorsCheckpoint ckpt = Checkpoints.open(TinyModelFixture.path(false))) {
      for (String name : new String[] {LayerTensor.DOWN_PROJ.name(3), LayerTensor.K_NORM.name(1)}) {
        float[] expected = TinyModel.weights(c, name, TinyModel.DEFAULT_SEED);
        float[] stored = Dequantize.toFloats(ckpt.tensor(name));
        for (int i = 0; i < expected.length; i++) {
          assertEquals(Bf16.round(expected[i]), stored[i], 0f, name + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void fp8VariantQuantisesTheSameWeightsAndKeepsNormsAndEmbeddingsBf16() {
    try (SafetensorsCheckpoint fp8 = Checkpoints.open(TinyModelFixture.path(true));
        SafetensorsCheckpoint bf16 = Checkpoints.open(TinyModelFixture.path(false))) {
      ModelConfig c = fp8.config();
      assertTrue(c.fp8());
      assertEquals(1 + 6 * (11 + 7) + 1, fp8.tensorNames().size());
      for (int layer = 0; layer < c.numLayers(); layer++) {
        for (LayerTensor t : LayerTensor.values()) {
          String name = t.name(layer);
          TensorData stored = fp8.tensor(name, t.shape(c));
          if (!t.isProjection()) {
            assertEquals(DType.BF16, stored.dtype(), name);
            continue;
          }
          assertEquals(DType.F8_E4M3, stored.dtype(), name);
          TensorData scales = fp8.tensor(Qwen3TensorNames.scaleInv(name),
              Qwen3TensorNames.scaleInvShape(t.shape(c)));
          assertEquals(DType.BF16, scales.dtype());
          float[] dequantised = Dequantize.fp8Blocks(stored, scales);
          float[] reference = Dequantize.toFloats(bf16.tensor(name));
          double err = 0;
          double norm = 0;
          for (int i = 0; i < reference.length; i++) {
            err += (dequantised[i] - reference[i]) * (double) (dequantised[i] - reference[i]);
            norm += reference[i] * (double) reference[i];
          }
          // E4M3 keeps 3 mantissa bits: relative RMS error of a Gaussian block is ~2-3%.
          assertTrue(Math.sqrt(err / norm) < 0.05, name + " rel err " + Math.sqrt(err / norm));
        }
      }
      assertEquals(DType.BF16, fp8.tensor(Qwen3TensorNames.EMBED_TOKENS).dtype());
      assertEquals(DType.BF16, fp8.tensor(Qwen3TensorNames.FINAL_NORM).dtype());
    }
  }

  @Test
  void weightsAreAPureFunctionOfSeedAndName() {
    ModelConfig c = TinyModel.config(false);
    String name = LayerTensor.GATE_PROJ.name(2);
    assertArrayEquals(TinyModel.weights(c, name, 7), TinyModel.weights(c, name, 7));
    assertNotEquals(TinyModel.weights(c, name, 7)[0], TinyModel.weights(c, name, 8)[0]);
    assertNotEquals(TinyModel.weights(c, name, 7)[0],
        TinyModel.weights(c, LayerTensor.UP_PROJ.name(2), 7)[0]);
  }

  private static ModelConfig withName(ModelConfig c, String name) {
    return new ModelConfig(name, c.vocabSize(), c.hiddenSize(), c.intermediateSize(),
        c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(),
        c.ropeScaling(), c.tieWordEmbeddings(), c.maxPositionEmbeddings(), c.dtype(), c.fp8(),
        c.bosTokenId(), c.eosTokenId());
  }
}
