package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What a gateway needs to serve a model without its files: the scheduler publishes it in
 * {@code brigade.model}. The tokenizer (about 11 MB of JSON for Qwen3) is gzip-compressed into
 * its own entry so reading the small card never pulls it.
 *
 * @param configJson config.json text
 * @param tokenizerJson tokenizer.json text
 * @param tokenizerConfigJson tokenizer_config.json text (holds the chat template)
 * @param generationConfigJson generation_config.json text, or null when the folder has none
 */
public record ModelCard(
    String name,
    String configJson,
    String tokenizerJson,
    String tokenizerConfigJson,
    String generationConfigJson) {

  /** Map key of the small JSON entry (name, config, tokenizer config, generation config). */
  public static final String CARD_KEY = "card";

  /** Map key of the tokenizer.json text, gzip then base64. */
  public static final String TOKENIZER_KEY = "tokenizer.json.gz.b64";

  /** The map entries to publish. */
  public Map<String, String> entries() {
    JsonObject card = new JsonObject()
        .put("name", name)
        .put("config", configJson)
        .put("tokenizerConfig", tokenizerConfigJson)
        .put("generationConfig", generationConfigJson);
    return Map.of(CARD_KEY, card.encode(), TOKENIZER_KEY, gzipBase64(tokenizerJson));
  }

  /** Rebuilds the card from the two entries; throws naming the missing one. */
  public static ModelCard fromEntries(String cardEntry, String tokenizerEntry) {
    if (cardEntry == null) {
      throw new IllegalStateException("no model card published in the cluster yet (" + CARD_KEY + ")");
    }
    if (tokenizerEntry == null) {
      throw new IllegalStateException("no tokenizer published in the cluster yet (" + TOKENIZER_KEY + ")");
    }
    JsonObject card = new JsonObject(cardEntry);
    return new ModelCard(
        card.getString("name"),
        card.getString("config"),
        gunzipBase64(tokenizerEntry),
        card.getString("tokenizerConfig"),
        card.getString("generationConfig"));
  }

  static String gzipBase64(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static String gunzipBase64(String encoded) {
    byte[] packed = Base64.getDecoder().decode(encoded);
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(packed))) {
      return new String(gz.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
