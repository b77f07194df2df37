package dev.brigade.gateway.grpc;

import dev.brigade.gateway.grpc.v1.ChatMessage;
import dev.brigade.gateway.grpc.v1.ChatRequest;
import dev.brigade.gateway.grpc.v1.GenerateRequest;
import dev.brigade.gateway.grpc.v1.Sampling;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * gRPC requests as the equivalent HTTP bodies, so both doors share one validation and one meaning
 * for every parameter.
 */
final class GrpcRequests {
  private GrpcRequests() {}

  static JsonObject generateBody(GenerateRequest r) {
    JsonObject body = common(r.getModel(), r.hasMaxTokens() ? r.getMaxTokens() : null, r.getSampling());
    boolean hasText = !r.getPrompt().isEmpty();
    boolean hasIds = r.getPromptTokenIdsCount() > 0;
    if (hasText && hasIds) {
      // Let the shared validation name the problem: a prompt must be one or the other.
      body.put("prompt", new JsonArray().add(r.getPrompt()).add(new JsonArray(r.getPromptTokenIdsList())));
    } else if (hasIds) {
      body.put("prompt", new JsonArray(r.getPromptTokenIdsList()));
    } else if (hasText) {
      body.put("prompt", r.getPrompt());
    }
    if (r.getStopCount() > 0) body.put("stop", new JsonArray(r.getStopList()));
    return body;
  }

  static JsonObject chatBody(ChatRequest r) {
    JsonObject body = common(r.getModel(), r.hasMaxTokens() ? r.getMaxTokens() : null, r.getSampling());
    JsonArray messages = new JsonArray();
    for (ChatMessage m : r.getMessagesList()) {
      messages.add(new JsonObject().put("role", m.getRole()).put("content", m.getContent()));
    }
    body.put("messages", messages);
    if (r.getStopCount() > 0) body.put("stop", new JsonArray(r.getStopList()));
    if (r.hasEnableThinking()) {
      body.put("chat_template_kwargs", new JsonObject().put("enable_thinking", r.getEnableThinking()));
    }
    return body;
  }

  private static JsonObject common(String model, Integer maxTokens, Sampling s) {
    JsonObject body = new JsonObject();
    if (!model.isEmpty()) body.put("model", model);
    if (maxTokens != null) body.put("max_tokens", maxTokens);
    if (s.hasTemperature()) body.put("temperature", s.getTemperature());
    if (s.hasTopP()) body.put("top_p", s.getTopP());
    if (s.hasTopK()) body.put("top_k", s.getTopK());
    if (s.hasMinP()) body.put("min_p", s.getMinP());
    if (s.hasSeed()) body.put("seed", s.getSeed());
    if (s.hasPresencePenalty()) body.put("presence_penalty", s.getPresencePenalty());
    if (s.hasFrequencyPenalty()) body.put("frequency_penalty", s.getFrequencyPenalty());
    if (s.hasRepetitionPenalty()) body.put("repetition_penalty", s.getRepetitionPenalty());
    return body;
  }
}
