package dev.brigade.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.engine.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes a Qwen3 {@code config.json}, in both the transformers v4 form
 * ({@code rope_theta}, {@code rope_scaling}, {@code torch_dtype}) and the v5 form
 * ({@code rope_parameters}, {@code dtype}). Writing produces the v4 form, as published.
 */
public final class ConfigJson {
  public static final String FILE = "config.json";
  public static final String GENERATION_FILE = "generation_config.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigJson() {}

  /** The config of the checkpoint in {@code dir}; its name is the folder's name. */
  public static ModelConfig read(Path dir) {
    Path file = dir.resolve(FILE);
    JsonNode root = parse(file);
    JsonNode generation = null;
    Path generationFile = dir.resolve(GENERATION_FILE);
    if (Files.isRegularFile(generationFile)) {
      generation = parse(generationFile);
    }
    Path fileName = dir.toAbsolutePath().normalize().getFileName();
    return new ConfigFields(file, root, generation)
        .toModelConfig(fileName == null ? "model" : fileName.toString());
  }

  /** Parses config.json text (and optionally generation_config.json text); for tests and tools. */
  public static ModelConfig parse(String name, String configJson, String generationJson) {
    Path file = Path.of(FILE);
    JsonNode root = parseText(file, configJson);
    JsonNode generation =
        generationJson == null ? null : parseText(Path.of(GENERATION_FILE), generationJson);
    return new ConfigFields(file, root, generation).toModelConfig(name);
  }

  /** Writes {@code config.json} into {@code dir} (created if needed), v4 form. */
  public static void write(ModelConfig config, Path dir) {
    write(dir.resolve(FILE), toJson(config));
  }

  /** Writes a {@code generation_config.json} like Qwen3's, with this config's bos and eos. */
  public static void writeGenerationConfig(ModelConfig config, Path dir) {
    ObjectNode root = JSON.createObjectNode();
    root.put("bos_token_id", config.bosTokenId());
    root.put("do_sample", true);
    ArrayNode eos = root.putArray("eos_token_id");
    eos.add(config.eosTokenId());
    if (config.bosTokenId() != config.eosTokenId()) {
      eos.add(config.bosTokenId()); // Qwen3 also stops on <|endoftext|>
    }
    root.put("pad_token_id", config.bosTokenId());
    root.put("temperature", 0.6);
    root.put("top_k", 20);
    root.put("top_p", 0.95);
    root.put("transformers_version", "4.51.0");
    write(dir.resolve(GENERATION_FILE), root);
  }

  /** The HF v4 config.json tree for {@code config}. */
  public static ObjectNode toJson(ModelConfig config) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add("Qwen3ForCausalLM");
    root.put("attention_bias", false);
    root.put("attention_dropout", 0.0);
    root.put("bos_token_id", config.bosTokenId());
    root.put("eos_token_id", config.eosTokenId());
    root.put("head_dim", config.headDim());
    root.put("hidden_act", "silu");
    root.put("hidden_size", config.hiddenSize());
    root.put("initializer_range", 0.02);
    root.put("intermediate_size", config.intermediateSize());
    root.put("max_position_embeddings", config.maxPositionEmbeddings());
    root.put("max_window_layers", config.numLayers());
    root.put("model_type", "qwen3");
    root.put("num_attention_heads", config.numHeads());
    root.put("num_hidden_layers", config.numLayers());
    root.put("num_key_value_heads", config.numKvHeads());
    if (config.fp8()) {
      ObjectNode quant = root.putObject("quantization_config");
      quant.put("activation_scheme", "dynamic");
      quant.put("fmt", "e4m3");
      quant.put("quant_method", "fp8");
      quant.putArray("weight_block_size").add(128).add(128);
    }
    root.put("rms_norm_eps", config.rmsNormEps());
    RopeScaling scaling = config.ropeScaling();
    if (scaling == null) {
      root.putNull("rope_scaling");
    } else {
      ObjectNode rope = root.putObject("rope_scaling");
      rope.put("rope_type", scaling.type());
      rope.put("factor", scaling.factor());
      rope.put("original_max_position_embeddings", scaling.originalMaxPositionEmbeddings());
      rope.put("beta_fast", scaling.betaFast());
      rope.put("beta_slow", scaling.betaSlow());
      rope.put("attention_factor", scaling.attentionFactor());
    }
    root.put("rope_theta", config.ropeTheta());
    root.putNull("sliding_window");
    root.put("tie_word_embeddings", config.tieWordEmbeddings());
    root.put("torch_dtype", torchName(config.dtype()));
    root.put("transformers_version", "4.51.0");
    root.put("use_cache", true);
    root.put("use_sliding_window", false);
    root.put("vocab_size", config.vocabSize());
    return root;
  }

  static String torchName(DType dtype) {
    return switch (dtype) {
      case BF16 -> "bfloat16";
      case F16 -> "float16";
      case F32 -> "float32";
      case F8_E4M3 -> "float8_e4m3fn";
    };
  }

  private static void write(Path file, JsonNode tree) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n");
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode parse(Path file) {
    try {
      return parseText(file, Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + " not found");
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode parseText(Path file, String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new CheckpointException(file + " is not valid JSON: " + firstLine(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file + " must hold a JSON object");
    }
    return root;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
