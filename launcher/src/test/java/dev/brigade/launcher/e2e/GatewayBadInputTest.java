package dev.brigade.launcher.e2e;

import static dev.brigade.launcher.e2e.ServingCluster.await;
import static dev.brigade.launcher.e2e.ServingCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.gateway.GatewayOptions;
import dev.brigade.gateway.GatewayVerticle;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed and refused requests, each answered with the right status and an OpenAI-shaped
 * error naming the problem, while a valid stream beside them runs to its end.
 */
class GatewayBadInputTest {
  static ServingCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ServingCluster.start(4);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  /** One bad request and what it must get back. */
  record Case(String name, String path, String body, int status, String param, String code) {}

  static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

  static List<Case> corpus() {
    List<Case> c = new ArrayList<>();
    String chat = "/v1/chat/completions";
    String comp = "/v1/completions";
    c.add(new Case("broken JSON", chat, "{\"messages\": [", 400, null, "invalid_json"));
    c.add(new Case("not an object", chat, "[1,2]", 400, null, "invalid_json"));
    c.add(new Case("empty body", chat, "", 400, null, "invalid_json"));
    c.add(new Case("no messages", chat, "{}", 400, "messages", "invalid_value"));
    c.add(new Case("empty messages", chat, "{\"messages\":[]}", 400, "messages", "invalid_value"));
    c.add(new Case("bad role", chat, "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", 400, "messages[0].role", "invalid_value"));
    c.add(new Case("content not text", chat, "{\"messages\":[{\"role\":\"user\",\"content\":7}]}", 400, "messages[0].content", "invalid_value"));
    c.add(new Case("temperature type", chat, "{" + USER + ",\"temperature\":\"hot\"}", 400, "temperature", "invalid_value"));
    c.add(new Case("temperature range", chat, "{" + USER + ",\"temperature\":9}", 400, "temperature", "invalid_value"));
    c.add(new Case("top_p range", chat, "{" + USER + ",\"top_p\":1.5}", 400, "top_p", "invalid_value"));
    c.add(new Case("max_tokens range", chat, "{" + USER + ",\"max_tokens\":-1}", 400, "max_tokens", "invalid_value"));
    c.add(new Case("n above 1", chat, "{" + USER + ",\"n\":3}", 400, "n", "invalid_value"));
    c.add(new Case("stop type", chat, "{" + USER + ",\"stop\":[1]}", 400, "stop", "invalid_value"));
    c.add(new Case("thinking flag type", chat, "{" + USER + ",\"chat_template_kwargs\":{\"enable_thinking\":\"yes\"}}", 400, "chat_template_kwargs.enable_thinking", "invalid_value"));
    c.add(new Case("unknown model", chat, "{" + USER + ",\"model\":\"gpt-17\"}", 404, "model", "model_not_found"));
    c.add(new Case("beyond the context", chat, "{" + USER + ",\"max_tokens\":5000}", 400, "max_tokens", "context_length_exceeded"));
    c.add(new Case("prompt fills the context", comp, "{\"prompt\":" + ids(4096) + "}", 400, "prompt", "context_length_exceeded"));
    c.add(new Case("token id out of vocab", comp, "{\"prompt\":[1,999999]}", 400, "prompt", "invalid_value"));
    c.add(new Case("logprobs range", comp, "{\"prompt\":\"a\",\"logprobs\":99}", 400, "logprobs", "invalid_value"));
    c.add(new Case("no route", "/v1/nothing", "{}", 404, null, "not_found"));
    return c;
  }

  @Test
  void everyBadInputGetsItsErrorWhileAValidStreamCompletes() throws Exception {
    JsonObject valid = new JsonObject()
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Keep going")))
        .put("max_tokens", 48).put("temperature", 0).put("stream", true);
    Future<HttpResponse<Buffer>> stream = cluster.web.post("/v1/chat/completions").sendJsonObject(valid);
    for (Case c : corpus()) {
      HttpResponse<Buffer> r = await(cluster.web.post(c.path()).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(c.body())));
      assertError(c.name(), r, c.status(), c.param(), c.code());
    }
    assertError("websocket without upgrade", await(cluster.web.get("/v1/ws").send()), 400, null, "invalid_value");
    assertError("wrong method", await(cluster.web.get("/v1/chat/completions").send()), 405, null, "method_not_allowed");
    HttpResponse<Buffer> done = await(stream);
    assertEquals(200, done.statusCode());
    List<JsonObject> events = Sse.events(done.bodyAsString());
    assertNotNull(Sse.finishReason(events), "the valid stream ran to its end");
  }

  @Test
  void apiKeysAreRequiredWhenConfigured() throws Exception {
    GatewayVerticle locked = cluster.deployGateway(
        GatewayOptions.local("gateway-keys", 0, -1).withApiKeys(Set.of("sk-right")));
    WebClient web = cluster.client(locked.httpPort());
    assertError("no key", await(web.get("/v1/models").send()), 401, null, "invalid_api_key");
    assertError("wrong key", await(web.get("/v1/models").putHeader("Authorization", "Bearer sk-wrong").send()),
        401, null, "invalid_api_key");
    assertEquals(200, await(web.get("/v1/models").putHeader("Authorization", "Bearer sk-right").send()).statusCode());
    assertEquals(200, await(web.get("/health").send()).statusCode(), "health needs no key");
    await(cluster.vertx.undeploy(locked.deploymentID()));
  }

  @Test
  void aBodyOverTheLimitGets413() throws Exception {
    GatewayVerticle small = cluster.deployGateway(
        GatewayOptions.local("gateway-small", 0, -1).withLimits(64 * 1024, GatewayOptions.DEFAULT_MAX_IN_FLIGHT));
    WebClient web = cluster.client(small.httpPort());
    String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(100_000) + "\"}]}";
    HttpResponse<Buffer> r = await(web.post("/v1/chat/completions").sendBuffer(Buffer.buffer(big)));
    assertError("too large", r, 413, null, "request_too_large");
    await(cluster.vertx.undeploy(small.deploymentID()));
  }

  @Test
  void tooManyRequestsInFlightGet429WithRetryAfter() throws Exception {
    GatewayVerticle narrow = cluster.deployGateway(
        GatewayOptions.local("gateway-narrow", 0, -1).withLimits(GatewayOptions.DEFAULT_MAX_BODY_BYTES, 1));
    HttpClient http = cluster.vertx.createHttpClient();
    try {
      HttpClientRequest first = await(http.request(HttpMethod.POST, narrow.httpPort(), "127.0.0.1", "/v1/chat/completions"));
      HttpClientResponse running = await(first.send(new JsonObject()
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "long")))
          .put("max_tokens", 3000).put("stream", true).encode()));
      assertEquals(200, running.statusCode(), "the first request is served");
      AtomicInteger chunks = new AtomicInteger();
      running.handler(b -> chunks.incrementAndGet());
      eventually("the first request streaming", () -> chunks.get() > 0);
      WebClient web = cluster.client(narrow.httpPort());
      HttpResponse<Buffer> refused = await(web.post("/v1/chat/completions").sendBuffer(Buffer.buffer("{" + USER + "}")));
      assertError("queue full", refused, 429, null, "too_many_requests");
      assertNotNull(refused.getHeader("Retry-After"));
      await(first.connection().close());
    } finally {
      await(http.close());
      await(cluster.vertx.undeploy(narrow.deploymentID()));
    }
  }

  /** A gateway whose cluster has no workers: it knows the model (from --model) but cannot serve. */
  @Test
  void noReadyPipelineGets503WithRetryAfter() throws Exception {
    Vertx lonely = await(ClusterBootstrap.start(ServingCluster.uniqueCluster("gateway")));
    try {
      GatewayOptions options = new GatewayOptions("gateway-alone", "127.0.0.1", 0, -1, Set.of(), false,
          cluster.model, GatewayOptions.DEFAULT_MAX_BODY_BYTES, GatewayOptions.DEFAULT_MAX_IN_FLIGHT);
      GatewayVerticle alone = new GatewayVerticle(options);
      await(lonely.deployVerticle(alone));
      WebClient web = WebClient.create(lonely, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(alone.httpPort()));
      HttpResponse<Buffer> r = await(web.post("/v1/chat/completions").sendBuffer(Buffer.buffer("{" + USER + "}")));
      assertError("no pipeline", r, 503, null, "no_ready_pipeline");
      assertNotNull(r.getHeader("Retry-After"));
      assertEquals(503, await(web.get("/health").send()).statusCode());
      web.close();
    } finally {
      await(lonely.close());
    }
  }

  static void assertError(String name, HttpResponse<Buffer> r, int status, String param, String code) {
    assertEquals(status, r.statusCode(), name + ": " + r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), name);
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, name + ": OpenAI shape");
    assertFalse(error.getString("message").isBlank(), name);
    assertNotNull(error.getString("type"), name);
    assertTrue(error.containsKey("param"), name);
    assertEquals(param, error.getString("param"), name + ": " + error);
    assertEquals(code, error.getString("code"), name + ": " + error);
  }

  private static String ids(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) a.add(1000 + i % 1000);
    return a.encode();
  }
}
