package dev.brigade.launcher.e2e;

import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.engine.text.Qwen3Tokenizer;
import dev.brigade.gateway.GatewayOptions;
import dev.brigade.gateway.GatewayVerticle;
import dev.brigade.launcher.EmbeddedMesh;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import dev.brigade.worker.stage.StageFigures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real cluster in this JVM: scheduler, workers (the tiny model, 64 MiB each, so every pipeline
 * needs two workers) and a gateway, on a single-member Hazelcast cluster of its own name.
 */
final class ServingCluster implements AutoCloseable {
  static final long WORKER_MEMORY = 64L << 20;

  final Path model;
  final Vertx vertx;
  final EmbeddedMesh mesh;
  final GatewayVerticle gateway;
  final WebClient web;
  private final List<WebClient> clients = new ArrayList<>();

  private ServingCluster(Path model, Vertx vertx, EmbeddedMesh mesh, GatewayVerticle gateway) {
    this.model = model;
    this.vertx = vertx;
    this.mesh = mesh;
    this.gateway = gateway;
    this.web = client(gateway.httpPort());
  }

  /** Starts everything and waits until the gateway reports a ready pipeline. */
  static ServingCluster start(int workers) throws Exception {
    return start(workers, TinyModelFixture.path(false));
  }

  /** The same over another checkpoint folder. */
  static ServingCluster start(int workers, Path model) throws Exception {
    Vertx vertx = await(ClusterBootstrap.start(uniqueCluster("e2e")));
    try {
      EmbeddedMesh mesh = await(EmbeddedMesh.start(vertx, model, workers, WORKER_MEMORY, "cpu", null));
      GatewayVerticle gateway = new GatewayVerticle(GatewayOptions.local("gateway-e2e", 0, 0));
      await(vertx.deployVerticle(gateway));
      ServingCluster cluster = new ServingCluster(model, vertx, mesh, gateway);
      eventually("a ready pipeline behind the gateway", () -> cluster.health() == 200);
      return cluster;
    } catch (Exception e) {
      await(vertx.close());
      throw e;
    }
  }

  /** A single-member cluster with a name and port range no other test run uses. */
  static ClusterOptions uniqueCluster(String role) {
    int port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
    String id = UUID.randomUUID().toString();
    return ClusterOptions.local(role, role + "-" + id)
        .withClusterName("brigade-e2e-" + id)
        .withPort(port)
        .withMembers(List.of("127.0.0.1:" + port));
  }

  /** Another gateway on the same cluster, with other options (keys, limits). */
  GatewayVerticle deployGateway(GatewayOptions options) throws Exception {
    GatewayVerticle g = new GatewayVerticle(options);
    await(vertx.deployVerticle(g));
    return g;
  }

  WebClient client(int port) {
    WebClient c = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    clients.add(c);
    return c;
  }

  int health() {
    try {
      return await(web.get("/health").send()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  HttpResponse<Buffer> post(String path, JsonObject body) throws Exception {
    return await(web.post(path).sendJsonObject(body));
  }

  /** A non-streamed request that must succeed; returns its JSON. */
  JsonObject postOk(String path, JsonObject body) throws Exception {
    HttpResponse<Buffer> r = post(path, body);
    if (r.statusCode() != 200) throw new AssertionError("HTTP " + r.statusCode() + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** Figures of every worker's stage. */
  List<StageFigures> stages() {
    return mesh.workers().stream().map(w -> w.stage().figures()).toList();
  }

  Qwen3Tokenizer tokenizer() throws Exception {
    return Qwen3Tokenizer.load(model.resolve("tokenizer.json"));
  }

  @Override
  public void close() throws Exception {
    clients.forEach(WebClient::close);
    try {
      await(mesh.stop());
    } finally {
      await(vertx.close());
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** Polls until the condition holds; fails after a generous bound (never a timing assertion). */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting for: " + what);
      Thread.sleep(50);
    }
  }
}
