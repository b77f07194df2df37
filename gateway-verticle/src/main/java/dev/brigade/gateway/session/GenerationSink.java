package dev.brigade.gateway.session;

import dev.brigade.gateway.api.ApiError;

/**
 * Where a generation's output goes: an SSE stream, a JSON body, a WebSocket, a gRPC stream. Called
 * on the verticle's context. Exactly one of finish or fail ends it.
 */
public interface GenerationSink {
  void delta(Delta delta);

  /** @param finishReason "stop" or "length" */
  void finish(String finishReason, Usage usage);

  void fail(ApiError error);
}
