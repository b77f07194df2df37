package dev.brigade.gateway.http;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.session.Delta;
import dev.brigade.gateway.session.GenerationSink;
import dev.brigade.gateway.session.ResponseFormat;
import dev.brigade.gateway.session.TokenLogprob;
import dev.brigade.gateway.session.Usage;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/** Collects a whole generation and answers with one JSON body. */
final class JsonSink implements GenerationSink {
  private final HttpServerResponse response;
  private final ResponseFormat format;
  private final StringBuilder reasoning = new StringBuilder();
  private final StringBuilder content = new StringBuilder();
  private final List<TokenLogprob> logprobs = new ArrayList<>();

  JsonSink(HttpServerResponse response, ResponseFormat format) {
    this.response = response;
    this.format = format;
  }

  @Override
  public void delta(Delta delta) {
    reasoning.append(delta.reasoning());
    content.append(delta.content());
    logprobs.addAll(delta.logprobs());
  }

  @Override
  public void finish(String finishReason, Usage usage) {
    if (response.closed()) return;
    response
        .putHeader("Content-Type", "application/json")
        .end(format.whole(reasoning.toString(), content.toString(), logprobs, finishReason, usage).encode());
  }

  @Override
  public void fail(ApiError error) {
    Errors.send(response, error);
  }
}
