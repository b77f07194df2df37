package dev.brigade.gateway.http;

import dev.brigade.gateway.api.ApiException;
import dev.brigade.gateway.api.ChatRequestParser;
import dev.brigade.gateway.api.CompletionRequestParser;
import dev.brigade.gateway.api.GenerationSpec;
import dev.brigade.gateway.api.JsonBodies;
import dev.brigade.gateway.session.ChatFormat;
import dev.brigade.gateway.session.CompletionFormat;
import dev.brigade.gateway.session.Generation;
import dev.brigade.gateway.session.GenerationSink;
import dev.brigade.gateway.session.Generations;
import dev.brigade.gateway.session.ResponseFormat;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** POST /v1/chat/completions and POST /v1/completions, streamed (SSE) or whole. */
public final class CompletionHandlers {
  private final Generations generations;

  public CompletionHandlers(Generations generations) {
    this.generations = generations;
  }

  public void chat(RoutingContext rc) {
    handle(rc, ChatRequestParser::parse, true);
  }

  public void completions(RoutingContext rc) {
    handle(rc, body -> CompletionRequestParser.parse(body, generations.model().vocabSize()), false);
  }

  private void handle(RoutingContext rc, Function<JsonObject, GenerationSpec> parser, boolean chat) {
    HttpServerResponse response = rc.response();
    GenerationSpec spec;
    try {
      spec = parser.apply(JsonBodies.object(rc.body().buffer()));
    } catch (ApiException e) {
      Errors.send(response, e.error());
      return;
    }
    generations
        .prepare(spec)
        .onSuccess(
            p -> {
              if (response.closed()) return;
              long created = System.currentTimeMillis() / 1000;
              String model = p.model().name();
              ResponseFormat format =
                  chat
                      ? new ChatFormat(p.id(), model, created, spec.logprobs())
                      : new CompletionFormat(p.id(), model, created, spec.logprobs());
              GenerationSink sink =
                  spec.stream() ? new SseSink(response, format, spec.includeUsage()) : new JsonSink(response, format);
              // A client that goes away cancels its sequence, which frees its KV cache everywhere.
              // Registered first: a request refused at once has its response written by start.
              Generation[] running = new Generation[1];
              response.closeHandler(v -> {
                if (running[0] != null && !running[0].isDone()) running[0].cancel();
              });
              running[0] = generations.start(p, sink);
            })
        .onFailure(e -> Errors.send(response, JsonBodies.errorOf(e)));
  }
}
