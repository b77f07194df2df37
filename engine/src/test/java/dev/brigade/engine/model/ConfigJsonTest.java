package dev.brigade.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigJsonTest {

  /** Qwen/Qwen3-0.6B's config.json as published (transformers v4 form). */
  static final String QWEN3_06B_V4 = """
      {
        "architectures": ["Qwen3ForCausalLM"],
        "attention_bias": false,
        "attention_dropout": 0.0,
        "bos_token_id": 151643,
        "eos_token_id": 151645,
        "head_dim": 128,
        "hidden_act": "silu",
        "hidden_size": 1024,
        "initializer_range": 0.02,
        "intermediate_size": 3072,
        "max_position_embeddings": 40960,
        "max_window_layers": 28,
        "model_type": "qwen3",
        "num_attention_heads": 16,
        "num_hidden_layers": 28,
        "num_key_value_heads": 8,
        "rms_norm_eps": 1e-06,
        "rope_scaling": null,
        "rope_theta": 1000000,
        "sliding_window": null,
        "tie_word_embeddings": true,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.51.0",
        "use_cache": true,
        "use_sliding_window": false,
        "vocab_size": 151936
      }
      """;

  /** The same model as transformers v5 writes it. */
  static final String QWEN3_06B_V5 = """
      {
        "architectures": ["Qwen3ForCausalLM"],
        "bos_token_id": 151643,
        "dtype": "bfloat16",
        "eos_token_id": 151645,
        "head_dim": 128,
        "hidden_size": 1024,
        "intermediate_size": 3072,
        "max_position_embeddings": 40960,
        "model_type": "qwen3",
        "num_attention_heads": 16,
        "num_hidden_layers": 28,
        "num_key_value_heads": 8,
        "rms_norm_eps": 1e-06,
        "rope_parameters": {"rope_theta": 1000000, "rope_type": "default"},
        "tie_word_embeddings": true,
        "vocab_size": 151936
      }
      """;

  @Test
  void readsTheV4Form() {
    ModelConfig c = ConfigJson.parse("qwen3-0.6b", QWEN3_06B_V4, null);
    assertEquals(Presets.get("qwen3-0.6b"), c);
    assertEquals(128, c.headDim());
    assertTrue(c.tieWordEmbeddings());
    assertNull(c.ropeScaling());
    assertFalse(c.fp8());
  }

  @Test
  void readsTheV5FormToTheSameConfig() {
    assertEquals(ConfigJson.parse("m", QWEN3_06B_V4, null), ConfigJson.parse("m", QWEN3_06B_V5, null));
  }

  @Test
  void readsYarnInV4WithTransformersDefaults() {
    String json = QWEN3_06B_V4.replace("\"rope_scaling\": null",
        "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
            + " \"original_max_position_embeddings\": 32768}");
    RopeScaling yarn = ConfigJson.parse("m", json, null).ropeScaling();
    assertEquals(new RopeScaling("yarn", 4.0, 32768, 32.0, 1.0, 0.1 * Math.log(4.0) + 1.0), yarn);
    // the older spelling "type" works too
    String older = json.replace("\"rope_type\": \"yarn\"", "\"type\": \"yarn\"");
    assertEquals(yarn, ConfigJson.parse("m", older, null).ropeScaling());
  }

  @Test
  void readsYarnInV5WithExplicitParameters() {
    String json = QWEN3_06B_V5.replace("{\"rope_theta\": 1000000, \"rope_type\": \"default\"}",
        "{\"rope_theta\": 500000, \"rope_type\": \"yarn\", \"factor\": 2,"
            + " \"beta_fast\": 16, \"beta_slow\": 2, \"attention_factor\": 1.5}");
    ModelConfig c = ConfigJson.parse("m", json, null);
    assertEquals(500000.0, c.ropeTheta());
    // original_max_position_embeddings falls back to max_position_embeddings
    assertEquals(new RopeScaling("yarn", 2.0, 40960, 16.0, 2.0, 1.5), c.ropeScaling());
  }

  @Test
  void detectsBlockFp8AndRejectsOtherQuantisation() {
    String fp8 = QWEN3_06B_V4.replace("\"max_window_layers\": 28,",
        "\"max_window_layers\": 28, \"quantization_config\": {\"activation_scheme\": \"dynamic\","
            + " \"fmt\": \"e4m3\", \"quant_method\": \"fp8\", \"weight_block_size\": [128, 128]},");
    assertTrue(ConfigJson.parse("m", fp8, null).fp8());
    assertError(fp8.replace("[128, 128]", "[64, 64]"), "weight_block_size");
    assertError(fp8.replace("\"quant_method\": \"fp8\"", "\"quant_method\": \"awq\""),
        "quantization_config.quant_method");
  }

  @Test
  void eosMayBeAListAndMayComeFromGenerationConfig() {
    String listed = QWEN3_06B_V4.replace("\"eos_token_id\": 151645", "\"eos_token_id\": [151645, 151643]");
    assertEquals(151645, ConfigJson.parse("m", listed, null).eosTokenId());
    String absent = QWEN3_06B_V4.replace("\"eos_token_id\": 151645,", "");
    assertEquals(7, ConfigJson.parse("m", absent, "{\"eos_token_id\": [7, 151643]}").eosTokenId());
    assertError(absent, "eos_token_id");
  }

  @Test
  void headDimFallsBackToHiddenOverHeadsOnlyWhenAbsent() {
    String noHeadDim = QWEN3_06B_V4.replace("\"head_dim\": 128,", "");
    assertEquals(64, ConfigJson.parse("m", noHeadDim, null).headDim());
  }

  @Test
  void missingOrBadFieldsNameFileAndField() {
    assertError(QWEN3_06B_V4.replace("\"hidden_size\": 1024,", ""), "hidden_size");
    assertError(QWEN3_06B_V4.replace("\"vocab_size\": 151936", "\"vocab_size\": \"big\""), "vocab_size");
    assertError(QWEN3_06B_V4.replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5"),
        "num_key_value_heads");
    assertError(QWEN3_06B_V4.replace("\"torch_dtype\": \"bfloat16\"", "\"torch_dtype\": \"int4\""),
        "torch_dtype");
    assertError(QWEN3_06B_V4.replace("\"model_type\": \"qwen3\"", "\"model_type\": \"llama\""),
        "model_type");
    assertError(QWEN3_06B_V4.replace("\"rope_scaling\": null",
        "\"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2}"), "rope_scaling.rope_type");
    assertError(QWEN3_06B_V4.replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": 1"),
        "tie_word_embeddings");
    CheckpointException notJson = assertThrows(CheckpointException.class,
        () -> ConfigJson.parse("m", "{\"hidden_size\": ", null));
    assertTrue(notJson.getMessage().contains("config.json"), notJson.getMessage());
  }

  @Test
  void writeThenReadGivesTheSameConfig(@TempDir Path dir) throws IOException {
    for (ModelConfig c : new ModelConfig[] {TinyModel.config(false), TinyModel.config(true),
        Presets.get("qwen3-32b-fp8"), withYarn(Presets.get("qwen3-8b"))}) {
      Path out = Files.createDirectories(dir.resolve(c.name() + (c.fp8() ? "-fp8" : "")));
      ConfigJson.write(c, out);
      ConfigJson.writeGenerationConfig(c, out);
      ModelConfig back = ConfigJson.read(out);
      assertEquals(Presets.withLayers(c, 0), rename(back, c.name()));
    }
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> ConfigJson.read(dir));
    assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
  }

  private static void assertError(String json, String field) {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ConfigJson.parse("m", json, null));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }

  private static ModelConfig withYarn(ModelConfig c) {
    return new ModelConfig(c.name(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(),
        c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(),
        new RopeScaling("yarn", 4.0, 32768, 32.0, 1.0, 0.1 * Math.log(4.0) + 1.0),
        c.tieWordEmbeddings(), 131072, c.dtype(), c.fp8(), c.bosTokenId(), c.eosTokenId());
  }

  static ModelConfig rename(ModelConfig c, String name) {
    return new ModelConfig(name, c.vocabSize(), c.hiddenSize(), c.intermediateSize(),
        c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(),
        c.ropeScaling(), c.tieWordEmbeddings(), c.maxPositionEmbeddings(), c.dtype(), c.fp8(),
        c.bosTokenId(), c.eosTokenId());
  }
}
