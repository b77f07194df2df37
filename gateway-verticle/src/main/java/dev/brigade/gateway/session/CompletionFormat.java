package dev.brigade.gateway.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** text_completion objects, streamed or whole. */
public final class CompletionFormat implements ResponseFormat {
  private final String id;
  private final String model;
  private final long created;
  private final boolean logprobs;

  public CompletionFormat(String id, String model, long createdSeconds, boolean logprobs) {
    this.id = id;
    this.model = model;
    this.created = createdSeconds;
    this.logprobs = logprobs;
  }

  @Override
  public JsonObject opening() {
    return null;
  }

  @Override
  public JsonObject chunk(Delta d) {
    if (!d.hasText() && d.logprobs().isEmpty()) return null;
    return withChoice(d.content(), logprobs ? Logprobs.completion(d.logprobs()) : null, null);
  }

  @Override
  public JsonObject closing(String finishReason) {
    return withChoice("", null, finishReason);
  }

  @Override
  public JsonObject usageChunk(Usage usage) {
    return head().put("choices", new JsonArray()).put("usage", usage.toJson());
  }

  @Override
  public JsonObject whole(
      String reasoning, String content, List<TokenLogprob> lp, String finishReason, Usage usage) {
    return withChoice(content, logprobs ? Logprobs.completion(lp) : null, finishReason)
        .put("usage", usage.toJson());
  }

  private JsonObject withChoice(String text, JsonObject lp, String finishReason) {
    JsonObject choice =
        new JsonObject()
            .put("index", 0)
            .put("text", text)
            .put("logprobs", lp)
            .put("finish_reason", finishReason);
    return head().put("choices", new JsonArray().add(choice));
  }

  private JsonObject head() {
    return new JsonObject()
        .put("id", id)
        .put("object", "text_completion")
        .put("created", created)
        .put("model", model);
  }
}
