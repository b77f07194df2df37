package dev.brigade.launcher.e2e;

import static dev.brigade.launcher.e2e.ServingCluster.await;
import static dev.brigade.launcher.e2e.ServingCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.text.ChatMessage;
import dev.brigade.engine.text.ChatTemplate;
import dev.brigade.engine.text.Qwen3Tokenizer;
import dev.brigade.worker.stage.StageFigures;
import dev.brigade.gateway.grpc.v1.BrigadeGrpcClient;
import dev.brigade.gateway.grpc.v1.ChatChunk;
import dev.brigade.gateway.grpc.v1.ChatRequest;
import dev.brigade.gateway.grpc.v1.GenerateChunk;
import dev.brigade.gateway.grpc.v1.GenerateRequest;
import dev.brigade.gateway.grpc.v1.Sampling;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API through a real scheduler, real workers and the gateway, all in this JVM. */
class GatewayEndToEndTest {
  static ServingCluster cluster;
  static Qwen3Tokenizer tokenizer;

  @BeforeAll
  static void start() throws Exception {
    cluster = ServingCluster.start(4);
    tokenizer = cluster.tokenizer();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  static JsonObject chat(String user, int maxTokens) {
    return new JsonObject()
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", user)))
        .put("max_tokens", maxTokens)
        .put("temperature", 0);
  }

  @Test
  void chatStreamsExactlyTheWholeResponseWithUsage() throws Exception {
    JsonObject whole = cluster.postOk("/v1/chat/completions", chat("Tell me about bees.", 12));
    assertEquals("chat.completion", whole.getString("object"));
    JsonObject choice = whole.getJsonArray("choices").getJsonObject(0);
    String content = choice.getJsonObject("message").getString("content");
    String finish = choice.getString("finish_reason");
    assertTrue(finish.equals("stop") || finish.equals("length"), finish);
    JsonObject usage = whole.getJsonObject("usage");
    int promptTokens =
        tokenizer.encode(ChatTemplate.render(List.of(ChatMessage.user("Tell me about bees.")), null, true, true)).length;
    assertEquals(promptTokens, usage.getInteger("prompt_tokens"));
    if (finish.equals("length")) assertEquals(12, usage.getInteger("completion_tokens"));
    assertEquals(promptTokens + usage.getInteger("completion_tokens"), usage.getInteger("total_tokens"));

    JsonObject streamed = chat("Tell me about bees.", 12)
        .put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));
    HttpResponse<Buffer> r = cluster.post("/v1/chat/completions", streamed);
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/event-stream"));
    List<JsonObject> events = Sse.events(r.bodyAsString());
    assertEquals("assistant", events.getFirst().getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
    events.forEach(e -> assertEquals("chat.completion.chunk", e.getString("object")));
    assertEquals(content, Sse.joined(events, "content"), "greedy: the stream is the whole response");
    assertEquals(finish, Sse.finishReason(events));
    JsonObject last = events.getLast();
    assertTrue(last.getJsonArray("choices").isEmpty(), "include_usage ends with a usage-only chunk");
    assertEquals(usage, last.getJsonObject("usage"));
    String id = events.getFirst().getString("id");
    events.forEach(e -> assertEquals(id, e.getString("id"), "one id for the whole stream"));
  }

  @Test
  void completionsTakeTextOrTokenIdsAlike() throws Exception {
    String prompt = "Once upon a time";
    int[] ids = tokenizer.encode(prompt);
    JsonObject byText = cluster.postOk("/v1/completions",
        new JsonObject().put("prompt", prompt).put("max_tokens", 8).put("temperature", 0));
    JsonObject byIds = cluster.postOk("/v1/completions",
        new JsonObject().put("prompt", new JsonArray(java.util.Arrays.stream(ids).boxed().toList()))
            .put("max_tokens", 8).put("temperature", 0));
    assertEquals("text_completion", byText.getString("object"));
    String text = byText.getJsonArray("choices").getJsonObject(0).getString("text");
    assertEquals(text, byIds.getJsonArray("choices").getJsonObject(0).getString("text"));
    assertEquals(ids.length, byIds.getJsonObject("usage").getInteger("prompt_tokens"));
    assertEquals(ids.length, byText.getJsonObject("usage").getInteger("prompt_tokens"));
  }

  /** A stop string made of the end of one token and the start of the next one. */
  @Test
  void stopStringAcrossATokenBoundaryEndsTheOutputAndNeverLeaks() throws Exception {
    JsonObject base = new JsonObject().put("prompt", "The weather today").put("max_tokens", 24).put("temperature", 0);
    JsonObject free = cluster.postOk("/v1/completions", base.copy().put("logprobs", 0));
    JsonObject choice = free.getJsonArray("choices").getJsonObject(0);
    String text = choice.getString("text");
    List<String> tokens = choice.getJsonObject("logprobs").getJsonArray("tokens").stream().map(String.class::cast).toList();
    String stop = null;
    int offset = 0;
    for (int k = 0; k + 1 < tokens.size() && stop == null; k++) {
      String a = tokens.get(k);
      String b = tokens.get(k + 1);
      offset += a.length();
      if (a.isEmpty() || b.isEmpty() || a.contains("\uFFFD") || b.contains("\uFFFD")) continue;
      String candidate = a.substring(a.length() - 1) + b.charAt(0);
      if (text.indexOf(candidate) == offset - 1) stop = candidate;
    }
    assertNotNull(stop, "some token boundary of the free text can hold a stop string: " + tokens);
    String expected = text.substring(0, text.indexOf(stop));

    JsonObject stopped = cluster.postOk("/v1/completions", base.copy().put("stop", new JsonArray().add(stop)));
    JsonObject sc = stopped.getJsonArray("choices").getJsonObject(0);
    assertEquals(expected, sc.getString("text"));
    assertEquals("stop", sc.getString("finish_reason"));

    HttpResponse<Buffer> r = cluster.post("/v1/completions", base.copy().put("stop", stop).put("stream", true));
    List<JsonObject> events = Sse.events(r.bodyAsString());
    assertEquals(expected, Sse.joined(events, "text"));
    assertEquals("stop", Sse.finishReason(events));
    for (JsonObject e : events) {
      assertFalse(Sse.joined(List.of(e), "text").contains(stop), "no chunk carries the stop string");
    }
  }

  @Test
  void enableThinkingReachesTheTemplateAndPlainOutputIsContent() throws Exception {
    JsonObject thinking = cluster.postOk("/v1/chat/completions", chat("Hi", 4));
    JsonObject direct = cluster.postOk("/v1/chat/completions", chat("Hi", 4)
        .put("chat_template_kwargs", new JsonObject().put("enable_thinking", false)));
    int emptyThinkBlock = tokenizer.encode("<think>\n\n</think>\n\n").length;
    assertEquals(
        thinking.getJsonObject("usage").getInteger("prompt_tokens") + emptyThinkBlock,
        direct.getJsonObject("usage").getInteger("prompt_tokens"));
    for (JsonObject r : List.of(thinking, direct)) {
      JsonObject message = r.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
      if (!message.getString("content").startsWith("<think>")) {
        assertNull(message.getString("reasoning_content"), "output that does not open with <think> is all content");
      }
    }
  }

  @Test
  void modelsClusterAndHealthDescribeTheMesh() throws Exception {
    JsonObject models = await(cluster.web.get("/v1/models").send()).bodyAsJsonObject();
    assertEquals("list", models.getString("object"));
    JsonObject model = models.getJsonArray("data").getJsonObject(0);
    assertEquals(4096, model.getInteger("max_model_len"));
    JsonObject state = await(cluster.web.get("/v1/cluster").send()).bodyAsJsonObject();
    assertEquals(4, state.getJsonArray("nodes").size());
    assertFalse(state.getJsonArray("pipelines").isEmpty());
    assertEquals(model.getString("id"), state.getString("model"));
    assertTrue(state.getInteger("ready_pipelines") >= 1);
    for (Object o : state.getJsonArray("pipelines")) {
      JsonObject p = (JsonObject) o;
      if ("READY".equals(p.getString("state"))) {
        // each stage reported its KV cache when it loaded; the pipeline holds what its smallest holds
        long smallest = p.getJsonArray("stages").stream()
            .mapToLong(st -> ((JsonObject) st).getLong("kvTokens")).min().orElse(0);
        assertTrue(smallest > 0, p.encode());
        assertEquals(smallest, p.getLong("kvTokens"), p.encode());
      }
    }
    JsonObject health = await(cluster.web.get("/health").send()).bodyAsJsonObject();
    assertEquals("ok", health.getString("status"));
  }

  @Test
  void logprobsComeWithEveryToken() throws Exception {
    JsonObject r = cluster.postOk("/v1/chat/completions", chat("Count", 5).put("logprobs", true).put("top_logprobs", 2));
    JsonArray content = r.getJsonArray("choices").getJsonObject(0).getJsonObject("logprobs").getJsonArray("content");
    assertEquals(r.getJsonObject("usage").getInteger("completion_tokens") - (r.getJsonArray("choices").getJsonObject(0).getString("finish_reason").equals("stop") ? 1 : 0),
        content.size());
    JsonObject first = content.getJsonObject(0);
    assertTrue(first.getDouble("logprob") <= 0);
    assertEquals(2, first.getJsonArray("top_logprobs").size());
    assertTrue(first.getJsonArray("top_logprobs").getJsonObject(0).getDouble("logprob") >= first.getDouble("logprob") - 1e-6,
        "greedy picks the most likely token");
  }

  @Test
  void webSocketServesTwoRequestsAtOnceAndACancel() throws Exception {
    String expectedA = contentOf(cluster.postOk("/v1/chat/completions", chat("Alpha", 6)));
    String expectedB = contentOf(cluster.postOk("/v1/chat/completions", chat("Beta", 6)));
    WebSocketClient client = cluster.vertx.createWebSocketClient();
    try {
      WebSocket ws = await(client.connect(cluster.gateway.httpPort(), "127.0.0.1", "/v1/ws"));
      Queue<JsonObject> received = new ConcurrentLinkedQueue<>();
      ws.textMessageHandler(t -> received.add(new JsonObject(t)));
      ws.writeTextMessage(wsChat("a", chat("Alpha", 6)).encode());
      ws.writeTextMessage(wsChat("b", chat("Beta", 6)).encode());
      ws.writeTextMessage(wsChat("c", chat("Go on and on", 3000)).encode());
      eventually("a first chunk of c", () -> received.stream().anyMatch(m -> is(m, "chunk", "c")));
      ws.writeTextMessage(new JsonObject().put("type", "cancel").put("id", "c").encode());
      ws.writeTextMessage(new JsonObject().put("type", "ping").put("id", "p").encode());
      eventually("done for a, b and c", () -> List.of("a", "b", "c").stream()
          .allMatch(id -> received.stream().anyMatch(m -> is(m, "done", id))));
      eventually("a pong", () -> received.stream().anyMatch(m -> "pong".equals(m.getString("type"))));
      assertEquals(expectedA, wsContent(received, "a"), "interleaved requests keep their own text");
      assertEquals(expectedB, wsContent(received, "b"));
      JsonObject doneA = received.stream().filter(m -> is(m, "done", "a")).findFirst().orElseThrow();
      assertNotNull(doneA.getJsonObject("usage"));
      JsonObject doneC = received.stream().filter(m -> is(m, "done", "c")).findFirst().orElseThrow();
      assertEquals("cancelled", doneC.getString("finish_reason"));
      assertTrue(received.stream().noneMatch(m -> "error".equals(m.getString("type"))), received.toString());
      eventually("the cancelled sequence freed on every stage", GatewayEndToEndTest::allStagesIdle);
      await(ws.close());
    } finally {
      await(client.close());
    }
  }

  @Test
  void grpcStreamsGenerateAndChatWithTheGeneratedClient() throws Exception {
    String prompt = "In the beginning";
    String httpText = cluster.postOk("/v1/completions",
            new JsonObject().put("prompt", prompt).put("max_tokens", 8).put("temperature", 0))
        .getJsonArray("choices").getJsonObject(0).getString("text");
    String httpChat = contentOf(cluster.postOk("/v1/chat/completions", chat("Alpha", 6)));
    GrpcClient grpc = GrpcClient.client(cluster.vertx);
    try {
      BrigadeGrpcClient client = BrigadeGrpcClient.create(grpc,
          SocketAddress.inetSocketAddress(cluster.gateway.grpcPort(), "127.0.0.1"));
      Sampling greedy = Sampling.newBuilder().setTemperature(0).build();
      List<GenerateChunk> chunks = await(client.generate(GenerateRequest.newBuilder()
              .addAllPromptTokenIds(java.util.Arrays.stream(tokenizer.encode(prompt)).boxed().toList())
              .setMaxTokens(8).setSampling(greedy).build())
          .compose(stream -> stream.collect(Collectors.toList())));
      assertEquals(httpText, chunks.stream().map(GenerateChunk::getText).collect(Collectors.joining()));
      GenerateChunk last = chunks.getLast();
      assertFalse(last.getFinishReason().isEmpty());
      assertEquals(tokenizer.encode(prompt).length, last.getUsage().getPromptTokens());
      assertTrue(chunks.size() > 2, "streamed in several messages");

      List<ChatChunk> chat = await(client.chat(ChatRequest.newBuilder()
              .addMessages(dev.brigade.gateway.grpc.v1.ChatMessage.newBuilder().setRole("user").setContent("Alpha"))
              .setMaxTokens(6).setSampling(greedy).build())
          .compose(stream -> stream.collect(Collectors.toList())));
      assertEquals(httpChat, chat.stream().map(ChatChunk::getContent).collect(Collectors.joining()));
      assertTrue(chat.getLast().getUsage().getTotalTokens() > 0);

      Throwable refused = assertThrows(Exception.class, () -> await(client.chat(ChatRequest.newBuilder()
              .setModel("no-such-model").addMessages(dev.brigade.gateway.grpc.v1.ChatMessage.newBuilder().setRole("user").setContent("x")).build())
          .compose(stream -> stream.collect(Collectors.toList()))));
      assertTrue(String.valueOf(refused.getCause()).contains("NOT_FOUND") || String.valueOf(refused).contains("NOT_FOUND"), String.valueOf(refused));
    } finally {
      await(grpc.close());
    }
  }

  @Test
  void aClientThatDisconnectsFreesTheKvCacheOnEveryStage() throws Exception {
    eventually("no sequence left from other tests", GatewayEndToEndTest::allStagesIdle);
    HttpClient http = cluster.vertx.createHttpClient();
    try {
      HttpClientRequest request = await(http.request(HttpMethod.POST, cluster.gateway.httpPort(), "127.0.0.1", "/v1/chat/completions"));
      request.putHeader("Content-Type", "application/json");
      HttpClientResponse response = await(request.send(chat("Write a long story", 3000).put("stream", true).encode()));
      assertEquals(200, response.statusCode());
      AtomicInteger chunks = new AtomicInteger();
      response.handler(b -> chunks.incrementAndGet());
      eventually("tokens streaming", () -> chunks.get() > 2);
      assertTrue(anyStageHolds(), "the running sequence holds KV cache somewhere: " + figures());
      await(request.connection().close());
      eventually("KV cache freed on every stage", GatewayEndToEndTest::allStagesIdle);
    } finally {
      await(http.close());
    }
  }

  private static String contentOf(JsonObject chatResponse) {
    return chatResponse.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
  }

  private static JsonObject wsChat(String id, JsonObject body) {
    return new JsonObject().put("type", "chat").put("id", id).put("request", body);
  }

  private static boolean is(JsonObject message, String type, String id) {
    return type.equals(message.getString("type")) && id.equals(message.getString("id"));
  }

  private static String wsContent(Queue<JsonObject> received, String id) {
    StringBuilder out = new StringBuilder();
    for (JsonObject m : received) {
      if (is(m, "chunk", id)) out.append(m.getJsonObject("delta").getString("content", ""));
    }
    return out.toString();
  }

  /** Every stage's KV cache holds no sequence once nothing runs. */
  static boolean allStagesIdle() {
    return cluster.stages().stream().allMatch(s -> s.cachedSequences() == 0 && s.activeSequences() == 0);
  }

  static boolean anyStageHolds() {
    return cluster.stages().stream().anyMatch(s -> s.cachedSequences() > 0);
  }

  static List<StageFigures> figures() {
    return cluster.stages();
  }
}
