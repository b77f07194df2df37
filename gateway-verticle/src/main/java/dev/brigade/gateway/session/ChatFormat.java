package dev.brigade.gateway.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** chat.completion and chat.completion.chunk objects. */
public final class ChatFormat implements ResponseFormat {
  private final String id;
  private final String model;
  private final long created;
  private final boolean logprobs;

  public ChatFormat(String id, String model, long createdSeconds, boolean logprobs) {
    this.id = id;
    this.model = model;
    this.created = createdSeconds;
    this.logprobs = logprobs;
  }

  @Override
  public JsonObject opening() {
    return chunkWith(new JsonObject().put("role", "assistant").put("content", ""), null, null);
  }

  @Override
  public JsonObject chunk(Delta d) {
    if (!d.hasText() && d.logprobs().isEmpty()) return null;
    JsonObject delta = new JsonObject();
    if (!d.reasoning().isEmpty()) delta.put("reasoning_content", d.reasoning());
    if (!d.content().isEmpty()) delta.put("content", d.content());
    JsonObject lp = logprobs ? Logprobs.chat(d.logprobs()) : null;
    return chunkWith(delta, lp, null);
  }

  @Override
  public JsonObject closing(String finishReason) {
    return chunkWith(new JsonObject(), null, finishReason);
  }

  @Override
  public JsonObject usageChunk(Usage usage) {
    return head("chat.completion.chunk").put("choices", new JsonArray()).put("usage", usage.toJson());
  }

  @Override
  public JsonObject whole(
      String reasoning, String content, List<TokenLogprob> lp, String finishReason, Usage usage) {
    JsonObject message = new JsonObject().put("role", "assistant").put("content", content);
    if (!reasoning.isEmpty()) message.put("reasoning_content", reasoning);
    JsonObject choice =
        new JsonObject()
            .put("index", 0)
            .put("message", message)
            .put("logprobs", logprobs ? Logprobs.chat(lp) : null)
            .put("finish_reason", finishReason);
    return head("chat.completion")
        .put("choices", new JsonArray().add(choice))
        .put("usage", usage.toJson());
  }

  private JsonObject chunkWith(JsonObject delta, JsonObject lp, String finishReason) {
    JsonObject choice =
        new JsonObject()
            .put("index", 0)
            .put("delta", delta)
            .put("logprobs", lp)
            .put("finish_reason", finishReason);
    return head("chat.completion.chunk").put("choices", new JsonArray().add(choice));
  }

  private JsonObject head(String object) {
    return new JsonObject()
        .put("id", id)
        .put("object", object)
        .put("created", created)
        .put("model", model);
  }
}
