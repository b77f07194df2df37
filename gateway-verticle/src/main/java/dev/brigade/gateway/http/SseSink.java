package dev.brigade.gateway.http;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.session.Delta;
import dev.brigade.gateway.session.GenerationSink;
import dev.brigade.gateway.session.ResponseFormat;
import dev.brigade.gateway.session.Usage;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Streams a generation as server-sent events: {@code data: {...}} chunks, then {@code data:
 * [DONE]}. Headers go out with the first output, so a failure before any token still gets a
 * proper HTTP status.
 */
final class SseSink implements GenerationSink {
  private final HttpServerResponse response;
  private final ResponseFormat format;
  private final boolean includeUsage;
  private boolean started;

  SseSink(HttpServerResponse response, ResponseFormat format, boolean includeUsage) {
    this.response = response;
    this.format = format;
    this.includeUsage = includeUsage;
  }

  @Override
  public void delta(Delta delta) {
    JsonObject chunk = format.chunk(delta);
    if (chunk != null) send(chunk);
    else begin();
  }

  @Override
  public void finish(String finishReason, Usage usage) {
    send(format.closing(finishReason));
    if (includeUsage) send(format.usageChunk(usage));
    if (!response.closed()) response.end("data: [DONE]\n\n");
  }

  @Override
  public void fail(ApiError error) {
    if (!started) {
      Errors.send(response, error);
      return;
    }
    send(error.toJson());
    if (!response.closed()) response.end("data: [DONE]\n\n");
  }

  private void begin() {
    if (started || response.closed()) return;
    started = true;
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    JsonObject opening = format.opening();
    if (opening != null) response.write("data: " + opening.encode() + "\n\n");
  }

  private void send(JsonObject event) {
    begin();
    if (!response.closed()) response.write("data: " + event.encode() + "\n\n");
  }
}
