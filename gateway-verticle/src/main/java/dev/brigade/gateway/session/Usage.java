package dev.brigade.gateway.session;

import io.vertx.core.json.JsonObject;

/** Token counts of one request, as OpenAI reports them. */
public record Usage(int promptTokens, int completionTokens) {
  public int totalTokens() {
    return promptTokens + completionTokens;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", totalTokens());
  }
}
