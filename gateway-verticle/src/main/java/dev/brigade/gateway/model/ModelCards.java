package dev.brigade.gateway.model;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.brigade.engine.model.ConfigJson;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.text.Qwen3Tokenizer;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.control.ModelCard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the served model from the cluster's model card or from a checkpoint folder. Blocking. */
public final class ModelCards {
  private ModelCards() {}

  /** The card in map brigade.model, or null while the scheduler has not published it. */
  public static ModelCard read(HazelcastInstance hazelcast) {
    IMap<String, String> map = hazelcast.getMap(MapNames.MODEL);
    String card = map.get(ModelCard.CARD_KEY);
    String tokenizer = card == null ? null : map.get(ModelCard.TOKENIZER_KEY);
    if (card == null || tokenizer == null) return null;
    return ModelCard.fromEntries(card, tokenizer);
  }

  public static ServedModel fromCard(ModelCard card) {
    ModelConfig config = ConfigJson.parse(card.name(), card.configJson(), card.generationConfigJson());
    Path file = null;
    try {
      // The tokenizer reads from a file; the card carries its text.
      file = Files.createTempFile("brigade-tokenizer", ".json");
      Files.writeString(file, card.tokenizerJson(), StandardCharsets.UTF_8);
      return new ServedModel(card.name(), config, Qwen3Tokenizer.load(file));
    } catch (IOException e) {
      throw new UncheckedIOException("the model card's tokenizer cannot be read: " + e.getMessage(), e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  /** A local Hugging Face folder (config.json, tokenizer.json). */
  public static ServedModel fromDirectory(Path dir) {
    ModelConfig config = ConfigJson.read(dir);
    try {
      return new ServedModel(config.name(), config, Qwen3Tokenizer.load(dir.resolve("tokenizer.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
