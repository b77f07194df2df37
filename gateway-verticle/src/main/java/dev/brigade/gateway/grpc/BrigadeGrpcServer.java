package dev.brigade.gateway.grpc;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.api.ApiException;
import dev.brigade.gateway.api.ApiKeys;
import dev.brigade.gateway.api.ChatRequestParser;
import dev.brigade.gateway.api.CompletionRequestParser;
import dev.brigade.gateway.api.GenerationSpec;
import dev.brigade.gateway.api.JsonBodies;
import dev.brigade.gateway.grpc.v1.BrigadeGrpcService;
import dev.brigade.gateway.grpc.v1.ChatChunk;
import dev.brigade.gateway.grpc.v1.GenerateChunk;
import dev.brigade.gateway.grpc.v1.Usage;
import dev.brigade.gateway.session.Delta;
import dev.brigade.gateway.session.Generation;
import dev.brigade.gateway.session.GenerationSink;
import dev.brigade.gateway.session.Generations;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Set;
import java.util.function.Function;

/**
 * The brigade.v1.Brigade service: server-streaming Generate and Chat over the same generation
 * path as HTTP. Keys come in the "authorization" metadata; a cancelled call cancels its sequence.
 */
public final class BrigadeGrpcServer {
  private BrigadeGrpcServer() {}

  public static GrpcServer create(Vertx vertx, Generations generations, Set<String> apiKeys) {
    GrpcServer server = GrpcServer.server(vertx);
    server.callHandler(
        BrigadeGrpcService.Generate,
        call -> serve(call, generations, apiKeys, message -> CompletionRequestParser.parse(
            GrpcRequests.generateBody(message), generations.model().vocabSize()), false));
    server.callHandler(
        BrigadeGrpcService.Chat,
        call -> serve(call, generations, apiKeys, message -> ChatRequestParser.parse(
            GrpcRequests.chatBody(message)), true));
    return server;
  }

  private static <Req, Resp> void serve(
      GrpcServerRequest<Req, Resp> call,
      Generations generations,
      Set<String> apiKeys,
      Function<Req, GenerationSpec> parse,
      boolean chat) {
    GrpcServerResponse<Req, Resp> response = call.response();
    ApiError denied = ApiKeys.check(apiKeys, call.headers().get("authorization"));
    if (denied != null) {
      fail(response, denied);
      return;
    }
    // A cancelled or broken call ends its sequence (or stops it from starting).
    Generation[] running = new Generation[1];
    boolean[] gone = new boolean[1];
    Runnable cancel = () -> {
      gone[0] = true;
      if (running[0] != null && !running[0].isDone()) running[0].cancel();
    };
    call.errorHandler(err -> cancel.run());
    call.exceptionHandler(err -> cancel.run());
    call.last()
        .onFailure(e -> fail(response, ApiError.invalid(null, "the request message could not be read: " + e.getMessage())))
        .onSuccess(message -> {
          GenerationSpec spec;
          try {
            spec = parse.apply(message);
          } catch (ApiException e) {
            fail(response, e.error());
            return;
          }
          generations
              .prepare(spec)
              .onSuccess(p -> {
                if (gone[0]) return;
                @SuppressWarnings("unchecked")
                GenerationSink sink = chat
                    ? new ChatSink((GrpcServerResponse<?, ChatChunk>) response, p.id())
                    : new GenerateSink((GrpcServerResponse<?, GenerateChunk>) response, p.id());
                running[0] = generations.start(p, sink);
              })
              .onFailure(e -> fail(response, JsonBodies.errorOf(e)));
        });
  }

  static void fail(GrpcServerResponse<?, ?> response, ApiError error) {
    response.status(GrpcStatuses.of(error)).statusMessage(GrpcStatuses.message(error)).end();
  }

  static Usage usage(dev.brigade.gateway.session.Usage u) {
    return Usage.newBuilder()
        .setPromptTokens(u.promptTokens())
        .setCompletionTokens(u.completionTokens())
        .setTotalTokens(u.totalTokens())
        .build();
  }

  private record ChatSink(GrpcServerResponse<?, ChatChunk> response, String id) implements GenerationSink {
    @Override
    public void delta(Delta d) {
      if (!d.hasText()) return;
      response.write(
          ChatChunk.newBuilder().setId(id).setContent(d.content()).setReasoningContent(d.reasoning()).build());
    }

    @Override
    public void finish(String finishReason, dev.brigade.gateway.session.Usage usage) {
      response.end(ChatChunk.newBuilder().setId(id).setFinishReason(finishReason).setUsage(usage(usage)).build());
    }

    @Override
    public void fail(ApiError error) {
      BrigadeGrpcServer.fail(response, error);
    }
  }

  private record GenerateSink(GrpcServerResponse<?, GenerateChunk> response, String id) implements GenerationSink {
    @Override
    public void delta(Delta d) {
      GenerateChunk.Builder chunk = GenerateChunk.newBuilder().setId(id).setText(d.content());
      for (int t : d.tokenIds()) chunk.addTokenIds(t);
      response.write(chunk.build());
    }

    @Override
    public void finish(String finishReason, dev.brigade.gateway.session.Usage usage) {
      response.end(GenerateChunk.newBuilder().setId(id).setFinishReason(finishReason).setUsage(usage(usage)).build());
    }

    @Override
    public void fail(ApiError error) {
      BrigadeGrpcServer.fail(response, error);
    }
  }
}
