package dev.brigade.gateway.session;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** OpenAI's JSON for one endpoint: streamed chunks and the whole non-streamed response. */
public interface ResponseFormat {
  /** The chunk that opens a stream (chat announces the assistant role), or null. */
  JsonObject opening();

  /** A chunk for new output, or null when there is nothing to show. */
  JsonObject chunk(Delta delta);

  /** The chunk that carries the finish reason. */
  JsonObject closing(String finishReason);

  /** The extra last chunk of stream_options.include_usage: no choices, just usage. */
  JsonObject usageChunk(Usage usage);

  /** The non-streamed response. */
  JsonObject whole(
      String reasoning, String content, List<TokenLogprob> logprobs, String finishReason, Usage usage);
}
