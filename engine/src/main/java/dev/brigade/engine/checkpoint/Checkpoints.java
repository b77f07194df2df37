package dev.brigade.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.model.ConfigJson;
import dev.brigade.engine.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens checkpoint folders in Hugging Face layout. */
public final class Checkpoints {
  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoints() {}

  /**
   * The checkpoint in {@code dir}: config.json plus either model.safetensors.index.json (shards)
   * or model.safetensors.
   */
  public static SafetensorsCheckpoint open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir + " is not a directory");
    }
    ModelConfig config = ConfigJson.read(dir);
    Path index = dir.resolve(INDEX_FILE);
    if (Files.isRegularFile(index)) {
      return SafetensorsCheckpoint.sharded(dir, config, index, weightMap(index));
    }
    if (Files.isRegularFile(dir.resolve(SINGLE_FILE))) {
      return SafetensorsCheckpoint.single(dir, config, SINGLE_FILE);
    }
    throw new CheckpointException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + dir);
  }

  private static Map<String, String> weightMap(Path index) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(index));
    } catch (IOException e) {
      throw new CheckpointException(index + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new CheckpointException(index + ": field weight_map is missing or not an object");
    }
    Map<String, String> weightMap = new LinkedHashMap<>();
    for (var e : map.properties()) {
      String file = e.getValue().asText("");
      if (!e.getValue().isTextual() || file.isEmpty() || file.contains("/") || file.contains("\\")
          || file.equals("..")) {
        throw new CheckpointException(
            index + ": tensor " + e.getKey() + " maps to a bad file name " + e.getValue());
      }
      weightMap.put(e.getKey(), file);
    }
    return weightMap;
  }
}
