package dev.brigade.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.engine.checkpoint.CheckpointException;
import java.nio.file.Path;

/** Field-by-field reading of one parsed config.json, with errors naming the file and field. */
final class ConfigFields {
  private final Path file;
  private final JsonNode root;
  private final JsonNode generation;

  ConfigFields(Path file, JsonNode root, JsonNode generation) {
    this.file = file;
    this.root = root;
    this.generation = generation;
  }

  ModelConfig toModelConfig(String name) {
    JsonNode modelType = root.get("model_type");
    if (modelType != null && !modelType.isNull() && !"qwen3".equals(modelType.asText())) {
      throw error("model_type", "is '" + modelType.asText() + "'; only qwen3 is supported");
    }
    int hidden = positiveInt(root, "hidden_size");
    int heads = positiveInt(root, "num_attention_heads");
    int kvHeads = root.has("num_key_value_heads") ? positiveInt(root, "num_key_value_heads") : heads;
    if (heads % kvHeads != 0) {
      throw error("num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
    }
    int headDim;
    if (root.hasNonNull("head_dim")) {
      headDim = positiveInt(root, "head_dim");
    } else if (hidden % heads == 0) {
      headDim = hidden / heads;
    } else {
      throw error("head_dim", "is missing and hidden_size is not a multiple of num_attention_heads");
    }
    int maxPositions =
        root.hasNonNull("max_position_embeddings") ? positiveInt(root, "max_position_embeddings") : 32768;
    Rope rope = rope(maxPositions);
    return new ModelConfig(
        name,
        positiveInt(root, "vocab_size"),
        hidden,
        positiveInt(root, "intermediate_size"),
        positiveInt(root, "num_hidden_layers"),
        heads,
        kvHeads,
        headDim,
        root.hasNonNull("rms_norm_eps") ? positiveDouble(root, "rms_norm_eps", "rms_norm_eps") : 1e-6,
        rope.theta,
        rope.scaling,
        bool(root, "tie_word_embeddings", false),
        maxPositions,
        dtype(),
        fp8(),
        tokenId("bos_token_id"),
        tokenId("eos_token_id"));
  }

  private record Rope(double theta, RopeScaling scaling) {}

  /** v5 puts theta and scaling in rope_parameters; v4 uses rope_theta and rope_scaling. */
  private Rope rope(int maxPositions) {
    JsonNode params = root.get("rope_parameters");
    if (params != null && !params.isNull()) {
      if (!params.isObject()) {
        throw error("rope_parameters", "must be an object");
      }
      double theta =
          params.hasNonNull("rope_theta")
              ? positiveDouble(params, "rope_theta", "rope_parameters.rope_theta")
              : defaultTheta();
      return new Rope(theta, scaling(params, "rope_parameters", maxPositions));
    }
    JsonNode scaling = root.get("rope_scaling");
    RopeScaling parsed = null;
    if (scaling != null && !scaling.isNull()) {
      if (!scaling.isObject()) {
        throw error("rope_scaling", "must be an object or null");
      }
      parsed = scaling(scaling, "rope_scaling", maxPositions);
    }
    return new Rope(defaultTheta(), parsed);
  }

  private double defaultTheta() {
    return root.hasNonNull("rope_theta") ? positiveDouble(root, "rope_theta", "rope_theta") : 10000.0;
  }

  private RopeScaling scaling(JsonNode node, String where, int maxPositions) {
    JsonNode typeNode = node.hasNonNull("rope_type") ? node.get("rope_type") : node.get("type");
    String type = typeNode == null || typeNode.isNull() ? "default" : typeNode.asText();
    if (type.equals("default")) {
      return null;
    }
    if (!type.equals("yarn")) {
      throw error(where + ".rope_type", "'" + type + "' is not supported (default or yarn)");
    }
    double factor = positiveDouble(node, "factor", where + ".factor");
    int original =
        node.hasNonNull("original_max_position_embeddings")
            ? (int) positiveDouble(node, "original_max_position_embeddings",
                where + ".original_max_position_embeddings")
            : maxPositions;
    double betaFast = node.hasNonNull("beta_fast") ? number(node, "beta_fast", where) : 32.0;
    double betaSlow = node.hasNonNull("beta_slow") ? number(node, "beta_slow", where) : 1.0;
    double attentionFactor =
        node.hasNonNull("attention_factor")
            ? positiveDouble(node, "attention_factor", where + ".attention_factor")
            : (factor <= 1.0 ? 1.0 : 0.1 * Math.log(factor) + 1.0);
    return new RopeScaling("yarn", factor, original, betaFast, betaSlow, attentionFactor);
  }

  private boolean fp8() {
    JsonNode quant = root.get("quantization_config");
    if (quant == null || quant.isNull()) {
      return false;
    }
    String method = quant.path("quant_method").asText("");
    if (!method.equals("fp8")) {
      throw error("quantization_config.quant_method", "'" + method + "' is not supported (fp8 only)");
    }
    JsonNode block = quant.get("weight_block_size");
    if (block == null
        || !block.isArray()
        || block.size() != 2
        || block.get(0).asInt() != 128
        || block.get(1).asInt() != 128) {
      throw error("quantization_config.weight_block_size", "must be [128, 128], got " + block);
    }
    return true;
  }

  private DType dtype() {
    JsonNode node = root.hasNonNull("dtype") ? root.get("dtype") : root.get("torch_dtype");
    String field = root.hasNonNull("dtype") ? "dtype" : "torch_dtype";
    if (node == null || node.isNull()) {
      return DType.BF16;
    }
    return switch (node.asText().replace("torch.", "")) {
      case "bfloat16" -> DType.BF16;
      case "float16", "half" -> DType.F16;
      case "float32", "float" -> DType.F32;
      default -> throw error(field, "'" + node.asText() + "' is not bfloat16, float16 or float32");
    };
  }

  /** From config.json, else generation_config.json; a list (several eos ids) gives its first. */
  private int tokenId(String field) {
    JsonNode node = root.get(field);
    if ((node == null || node.isNull()) && generation != null) {
      node = generation.get(field);
    }
    if (node != null && node.isArray()) {
      node = node.size() > 0 ? node.get(0) : null;
    }
    if (node == null || node.isNull()) {
      throw error(field, "is missing (in config.json and generation_config.json)");
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 0) {
      throw error(field, "must be a non-negative integer, got " + node);
    }
    return node.asInt();
  }

  private int positiveInt(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw error(field, "is missing");
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() <= 0) {
      throw error(field, "must be a positive integer, got " + value);
    }
    return value.asInt();
  }

  private double positiveDouble(JsonNode node, String key, String field) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw error(field, "is missing");
    }
    if (!value.isNumber() || !(value.asDouble() > 0) || Double.isInfinite(value.asDouble())) {
      throw error(field, "must be a positive number, got " + value);
    }
    return value.asDouble();
  }

  private double number(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (!value.isNumber()) {
      throw error(where + "." + key, "must be a number, got " + value);
    }
    return value.asDouble();
  }

  private boolean bool(JsonNode node, String field, boolean fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw error(field, "must be true or false, got " + value);
    }
    return value.asBoolean();
  }

  private CheckpointException error(String field, String problem) {
    return new CheckpointException(file + ": field " + field + " " + problem);
  }
}
