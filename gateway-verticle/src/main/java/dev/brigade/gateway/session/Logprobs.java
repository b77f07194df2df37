package dev.brigade.gateway.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** OpenAI's two logprobs shapes: chat (a list of token objects) and legacy completions. */
final class Logprobs {
  private Logprobs() {}

  static JsonObject chat(List<TokenLogprob> tokens) {
    JsonArray content = new JsonArray();
    for (TokenLogprob t : tokens) {
      JsonArray top = new JsonArray();
      for (TokenLogprob alt : t.top()) top.add(chatToken(alt));
      content.add(chatToken(t).put("top_logprobs", top));
    }
    return new JsonObject().put("content", content);
  }

  private static JsonObject chatToken(TokenLogprob t) {
    JsonArray bytes = new JsonArray();
    for (byte b : t.bytes()) bytes.add(b & 0xFF);
    return new JsonObject().put("token", t.token()).put("logprob", t.logprob()).put("bytes", bytes);
  }

  static JsonObject completion(List<TokenLogprob> tokens) {
    JsonArray text = new JsonArray();
    JsonArray logprobs = new JsonArray();
    JsonArray top = new JsonArray();
    for (TokenLogprob t : tokens) {
      text.add(t.token());
      logprobs.add(t.logprob());
      JsonObject alts = new JsonObject();
      for (TokenLogprob alt : t.top()) alts.put(alt.token(), alt.logprob());
      top.add(alts);
    }
    return new JsonObject().put("tokens", text).put("token_logprobs", logprobs).put("top_logprobs", top);
  }
}
