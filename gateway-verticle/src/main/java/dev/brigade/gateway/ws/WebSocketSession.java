package dev.brigade.gateway.ws;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.api.ApiException;
import dev.brigade.gateway.api.ChatRequestParser;
import dev.brigade.gateway.api.CompletionRequestParser;
import dev.brigade.gateway.api.GenerationSpec;
import dev.brigade.gateway.api.JsonBodies;
import dev.brigade.gateway.session.Delta;
import dev.brigade.gateway.session.Generation;
import dev.brigade.gateway.session.GenerationSink;
import dev.brigade.gateway.session.Generations;
import dev.brigade.gateway.session.Usage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * One client on /v1/ws: JSON messages, several requests at once told apart by the client's ids.
 * In: {"type":"chat"|"completion","id","request":{...}}, {"type":"cancel","id"}, {"type":"ping"}.
 * Out: {"type":"chunk","id","delta":{...}}, {"type":"done","id","finish_reason","usage"},
 * {"type":"error","id","status","error":{...}}, {"type":"pong"}. The server also sends ping
 * frames to keep idle connections open.
 */
public final class WebSocketSession {
  static final long PING_INTERVAL_MS = 20_000;

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final Generations generations;
  /** Requests of this socket by client id; a placeholder null while one is being prepared. */
  private final Map<String, Generation> running = new HashMap<>();
  private final long pingTimer;
  private boolean closed;

  public WebSocketSession(Vertx vertx, ServerWebSocket socket, Generations generations) {
    this.vertx = vertx;
    this.socket = socket;
    this.generations = generations;
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(b -> sendError(null, ApiError.invalid(null, "send JSON text messages, not binary")));
    socket.closeHandler(v -> onClose());
    pingTimer = vertx.setPeriodic(PING_INTERVAL_MS, id -> {
      if (!socket.isClosed()) socket.writePing(Buffer.buffer("brigade"));
    });
  }

  private void onText(String text) {
    JsonObject message;
    try {
      message = JsonBodies.object(Buffer.buffer(text));
    } catch (ApiException e) {
      sendError(null, e.error());
      return;
    } catch (DecodeException e) {
      sendError(null, ApiError.brokenJson(e.getMessage()));
      return;
    }
    Object type = message.getValue("type");
    Object id = message.getValue("id");
    if ("ping".equals(type)) {
      send(new JsonObject().put("type", "pong").put("id", id));
      return;
    }
    if (!(id instanceof String requestId) || requestId.isEmpty()) {
      sendError(null, ApiError.invalid("id", "every message needs a non-empty string id"));
      return;
    }
    switch (type instanceof String t ? t : "") {
      case "chat" -> start(requestId, message, true);
      case "completion" -> start(requestId, message, false);
      case "cancel" -> cancel(requestId);
      default -> sendError(requestId, ApiError.invalid("type", "type must be chat, completion, cancel or ping, got " + type));
    }
  }

  private void start(String id, JsonObject message, boolean chat) {
    if (running.containsKey(id)) {
      sendError(id, ApiError.invalid("id", "a request with id '" + id + "' is already running on this socket"));
      return;
    }
    GenerationSpec spec;
    try {
      if (!(message.getValue("request") instanceof JsonObject body)) {
        throw new ApiException(ApiError.invalid("request", "request must be an object holding the request body"));
      }
      spec =
          chat
              ? ChatRequestParser.parse(body)
              : CompletionRequestParser.parse(body, generations.model().vocabSize());
    } catch (ApiException e) {
      sendError(id, e.error());
      return;
    }
    running.put(id, null);
    generations
        .prepare(spec)
        .onSuccess(p -> {
          if (closed || !running.containsKey(id)) {
            running.remove(id); // cancelled while preparing
            return;
          }
          Generation generation = generations.start(p, new Sink(id));
          if (generation.isDone()) {
            running.remove(id);
          } else {
            running.put(id, generation);
          }
        })
        .onFailure(e -> {
          running.remove(id);
          sendError(id, JsonBodies.errorOf(e));
        });
  }

  private void cancel(String id) {
    if (!running.containsKey(id)) {
      sendError(id, ApiError.invalid("id", "no request with id '" + id + "' is running on this socket"));
      return;
    }
    Generation generation = running.remove(id);
    if (generation != null) generation.cancel();
    send(new JsonObject().put("type", "done").put("id", id).put("finish_reason", "cancelled"));
  }

  private void onClose() {
    closed = true;
    vertx.cancelTimer(pingTimer);
    running.values().forEach(g -> {
      if (g != null) g.cancel();
    });
    running.clear();
  }

  private void send(JsonObject message) {
    if (!socket.isClosed()) socket.writeTextMessage(message.encode());
  }

  private void sendError(String id, ApiError error) {
    send(
        new JsonObject()
            .put("type", "error")
            .put("id", id)
            .put("status", error.status())
            .mergeIn(error.toJson()));
  }

  /** Output of one request on this socket. */
  private final class Sink implements GenerationSink {
    private final String id;

    Sink(String id) {
      this.id = id;
    }

    @Override
    public void delta(Delta d) {
      if (!d.hasText() && d.logprobs().isEmpty()) return;
      JsonObject delta = new JsonObject();
      if (!d.reasoning().isEmpty()) delta.put("reasoning_content", d.reasoning());
      if (!d.content().isEmpty()) delta.put("content", d.content());
      send(new JsonObject().put("type", "chunk").put("id", id).put("delta", delta));
    }

    @Override
    public void finish(String finishReason, Usage usage) {
      running.remove(id);
      send(
          new JsonObject()
              .put("type", "done")
              .put("id", id)
              .put("finish_reason", finishReason)
              .put("usage", usage.toJson()));
    }

    @Override
    public void fail(ApiError error) {
      running.remove(id);
      sendError(id, error);
    }
  }
}
