package dev.brigade.protocol.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Sizes computed from configs agree with the parameter counts on the Qwen3 model cards. */
class Qwen3ShapesTest {

  /** Non-embedding parameters: every layer's weights (BF16 is 2 bytes each). */
  private static double nonEmbeddingBillions(ModelShape bf16) {
    return bf16.numLayers() * (double) bf16.layerWeightBytes() / 2 / 1e9;
  }

  @Test
  void nonEmbeddingParametersMatchTheModelCards() {
    assertEquals(31.2, nonEmbeddingBillions(Qwen3Shapes.preset("qwen3-32b")), 0.05);
    assertEquals(6.95, nonEmbeddingBillions(Qwen3Shapes.preset("qwen3-8b")), 0.05);
    assertEquals(0.44, nonEmbeddingBillions(Qwen3Shapes.preset("qwen3-0.6b")), 0.01);
  }

  @Test
  void fp8LayersTakeOneBytePerWeightPlusBlockScales() {
    ModelShape bf16 = Qwen3Shapes.preset("qwen3-32b");
    ModelShape fp8 = Qwen3Shapes.preset("qwen3-32b-fp8");
    long norms = (2L * 5120 + 2L * 128) * 2;
    long projectionParams = (bf16.layerWeightBytes() - norms) / 2;
    // q: 64x40 blocks, k and v: 8x40, o: 40x64, gate and up: 200x40, down: 40x200; 2 bytes each.
    long scales = 2L * (64 * 40 + 2 * 8 * 40 + 40 * 64 + 2 * 200 * 40 + 40 * 200);
    assertEquals(projectionParams + scales + norms, fp8.layerWeightBytes());
    assertEquals(bf16.embeddingBytes(), fp8.embeddingBytes(), "embeddings stay BF16");
    assertEquals(151936L * 5120 * 2, fp8.embeddingBytes());
    assertEquals(2L * 8 * 128 * 2, fp8.kvBytesPerTokenPerLayer());
    assertEquals(5120 * 2, fp8.activationBytesPerToken());
  }

  @Test
  void unknownPresetNamesTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Qwen3Shapes.preset("llama"));
    assertTrue(e.getMessage().contains("qwen3-32b-fp8"), e.getMessage());
  }
}
