package dev.brigade.launcher.e2e;

import static dev.brigade.protocol.testing.LocalCluster.await;
import static dev.brigade.protocol.testing.LocalCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.gateway.GatewayOptions;
import dev.brigade.gateway.GatewayVerticle;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineState;
import dev.brigade.protocol.testing.LocalCluster;
import dev.brigade.scheduler.SchedulerNode;
import dev.brigade.worker.SelectedBackend;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mid-stream failover as an HTTP client sees it. A real scheduler plans two pipelines of two
 * stages over four workers, each worker on a clustered Vert.x of its own, and a real gateway
 * serves them over HTTP from a fifth member. A seeded, sampled chat stream runs once on the
 * intact cluster; the same request runs again and, a few chunks in, the tail worker of the
 * pipeline serving it leaves the cluster. The client must still get the whole stream, ended by
 * the length limit, identical to the failure-free one, with no error event, and /metrics must
 * count exactly that one failover.
 */
class HttpFailoverEndToEndTest {
  private static final String TOKEN = "http-failover-token";
  /** Holds the tiny model's embeddings and a few layers at one end, not the whole model. */
  private static final long WORKER_MEMORY = 64L << 20;
  /** Long enough that the stream is still running when its worker goes, whatever the load. */
  private static final int MAX_TOKENS = 240;

  private final LocalCluster cluster = new LocalCluster();
  private final Path model = TinyModelFixture.path(false);
  private final Map<String, Vertx> workerVertx = new LinkedHashMap<>();
  private final Map<String, WorkerNode> workers = new LinkedHashMap<>();
  private Vertx gateway;
  private HttpClient http;
  private WebClient web;
  private int port;

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (http != null) await(http.close());
      if (web != null) web.close();
      for (String id : List.copyOf(workers.keySet())) {
        stopWorker(id);
      }
    } finally {
      cluster.close(); // the gateway (its verticle undeployed with it) and the scheduler
    }
  }

  @Test
  void aStreamWhoseWorkerLeavesEndsExactlyAsTheFailureFreeStream() throws Exception {
    startMesh();
    JsonObject request = new JsonObject()
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", "Tell me a long story about a lighthouse keeper.")))
        .put("max_tokens", MAX_TOKENS)
        .put("temperature", 0.8)
        .put("top_p", 0.95)
        .put("seed", 4242)
        .put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));

    // The failure-free run, on the intact cluster.
    Stream reference = open(request);
    List<JsonObject> expected = Sse.events(reference.body());
    assertNoErrorEvent(expected);
    assertEquals("length", Sse.finishReason(expected));
    JsonObject expectedUsage = expected.getLast().getJsonObject("usage");
    assertEquals(MAX_TOKENS, expectedUsage.getInteger("completion_tokens"));
    assertEquals(0.0, failoversCounted(), "no failover on the intact cluster");

    // So that the only stages holding a sequence below are the ones serving the second run.
    eventually("the reference run freed every stage", () -> workers.values().stream()
        .allMatch(w -> w.stage().figures().activeSequences() == 0 && w.stage().figures().cachedSequences() == 0));

    // The same request; once a few chunks are out, the tail of the pipeline serving it leaves.
    Stream broken = open(request);
    eventually("a few content chunks", () -> broken.events() >= 4);
    PipelineRecord serving = pipelines().stream()
        .filter(p -> p.stages().stream().anyMatch(s -> workers.get(s.nodeId()).stage().figures().activeSequences() > 0))
        .findFirst().orElseThrow(() -> new AssertionError("no stage runs the stream"));
    String victim = serving.stages().getLast().nodeId();
    int eventsBeforeStop = broken.events();
    stopWorker(victim);

    List<JsonObject> events = Sse.events(broken.body());
    assertTrue(eventsBeforeStop < events.size() - 3,
        "the worker left while the stream still had tokens to come (" + eventsBeforeStop + " of " + events.size() + " events)");
    assertNoErrorEvent(events);
    assertEquals("length", Sse.finishReason(events));
    assertEquals(Sse.joined(expected, "content"), Sse.joined(events, "content"), "the text of the failure-free run");
    assertEquals(Sse.joined(expected, "reasoning_content"), Sse.joined(events, "reasoning_content"));
    assertFalse((Sse.joined(events, "content") + Sse.joined(events, "reasoning_content")).isEmpty());
    assertEquals(expectedUsage, events.getLast().getJsonObject("usage"), "usage of the failure-free run");
    String id = events.getFirst().getString("id");
    events.forEach(e -> assertEquals(id, e.getString("id"), "one response id across the failover"));
    assertEquals(1.0, failoversCounted(), "the gateway counted the failover of " + serving.pipelineId());
  }

  /** Scheduler, four workers and the gateway, each a member of its own; waits for two pipelines. */
  private void startMesh() throws Exception {
    Vertx scheduler = cluster.start("scheduler", "scheduler");
    // Speeds measured on a shared machine say little: form pipelines whatever their latency.
    await(SchedulerNode.start(scheduler, SchedulerNode.config("scheduler", TOKEN, model).withMaxTokenSeconds(3600)));
    for (String id : List.of("w1", "w2", "w3", "w4")) {
      Vertx v = cluster.start("worker", id);
      workerVertx.put(id, v);
      workers.put(id, await(WorkerNode.start(v, WorkerConfig.of(id, TOKEN, WORKER_MEMORY), model,
          SelectedBackend.choose("cpu"))));
    }
    gateway = cluster.start("gateway", "gw-failover");
    GatewayVerticle verticle = new GatewayVerticle(GatewayOptions.local("gw-failover", 0, -1));
    await(gateway.deployVerticle(verticle));
    port = verticle.httpPort();
    http = gateway.createHttpClient();
    web = WebClient.create(gateway);
    eventually("two ready pipelines of two stages", () -> pipelines().size() == 2
        && pipelines().stream().allMatch(p -> p.stages().size() == 2));
    eventually("the gateway routes to both pipelines", () -> readyPipelinesSeenByGateway() == 2);
  }

  private List<PipelineRecord> pipelines() {
    List<PipelineRecord> ready = new ArrayList<>();
    ClusterBootstrap.hazelcast(gateway).<String, String>getMap(MapNames.PIPELINES).values().forEach(json -> {
      PipelineRecord p = PipelineRecord.fromJson(new JsonObject(json));
      if (p.state() == PipelineState.READY) ready.add(p);
    });
    return ready;
  }

  private int readyPipelinesSeenByGateway() {
    try {
      return get("/v1/cluster").getInteger("ready_pipelines", -1);
    } catch (Exception notYet) {
      return -1;
    }
  }

  /** The worker's stage and control plane stop, then its Vert.x: its cluster member leaves. */
  private void stopWorker(String id) throws Exception {
    WorkerNode node = workers.remove(id);
    Vertx v = workerVertx.remove(id);
    try {
      await(node.stop(v));
    } finally {
      cluster.stop(v);
    }
  }

  private double failoversCounted() throws Exception {
    HttpResponse<Buffer> r = await(web.get(port, "127.0.0.1", "/metrics").send());
    assertEquals(200, r.statusCode());
    for (String line : r.bodyAsString().split("\n")) {
      if (line.startsWith("brigade_failovers_total ")) return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
    }
    throw new AssertionError("/metrics has no brigade_failovers_total");
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<Buffer> r = await(web.get(port, "127.0.0.1", path).send());
    if (r.statusCode() != 200) throw new IllegalStateException(path + " answered " + r.statusCode());
    return r.bodyAsJsonObject();
  }

  /** Posts a streamed request; its events are read as they arrive (handlers set on the event loop). */
  private Stream open(JsonObject body) throws Exception {
    Stream s = new Stream();
    HttpClientResponse res = await(http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/chat/completions")
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body.encode()))
        .andThen(ar -> {
          if (ar.failed()) return;
          ar.result().handler(s::append);
          ar.result().endHandler(v -> s.ended.complete(null));
          ar.result().exceptionHandler(s.ended::completeExceptionally);
        }));
    assertEquals(200, res.statusCode());
    assertTrue(res.getHeader("Content-Type").startsWith("text/event-stream"));
    return s;
  }

  private static void assertNoErrorEvent(List<JsonObject> events) {
    for (JsonObject e : events) {
      assertFalse(e.containsKey("error"), "error event in the stream: " + e.encode());
    }
  }

  /** An SSE body read as it arrives (bytes kept whole: a chunk may end inside a character). */
  private static final class Stream {
    private final Buffer bytes = Buffer.buffer();
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    synchronized void append(Buffer part) {
      bytes.appendBuffer(part);
    }

    /** Whole events received so far. */
    synchronized int events() {
      String text = bytes.toString();
      int n = 0;
      for (int i = text.indexOf("\n\n"); i >= 0; i = text.indexOf("\n\n", i + 2)) n++;
      return n;
    }

    /** The whole body, once the server ended it. */
    String body() throws Exception {
      ended.get(120, TimeUnit.SECONDS);
      synchronized (this) {
        return bytes.toString();
      }
    }
  }
}
