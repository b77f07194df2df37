package dev.brigade.gateway.http;

import dev.brigade.gateway.api.ApiError;
import io.vertx.core.http.HttpServerResponse;

/** Writes OpenAI-shaped errors. */
public final class Errors {
  private Errors() {}

  public static void send(HttpServerResponse response, ApiError error) {
    if (response.closed() || response.ended()) return;
    if (response.headWritten()) {
      response.end();
      return;
    }
    response.setStatusCode(error.status()).putHeader("Content-Type", "application/json");
    if (error.retryAfterSeconds() > 0) {
      response.putHeader("Retry-After", Integer.toString(error.retryAfterSeconds()));
    }
    response.end(error.toJson().encode());
  }
}
