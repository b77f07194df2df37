package dev.brigade.launcher;

import com.hazelcast.map.IMap;
import dev.brigade.engine.model.TinyModel;
import dev.brigade.gateway.GatewayOptions;
import dev.brigade.gateway.GatewayVerticle;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineState;
import dev.brigade.scheduler.rewards.RewardsConfig;
import dev.brigade.worker.MemorySize;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade demo}: the embedded default. Makes the tiny model if missing, then runs a
 * scheduler, N workers and a gateway in this JVM on a single-member cluster, and serves until
 * interrupted.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run scheduler, workers and gateway in one JVM on the tiny Qwen3 model (made if missing).")
public final class DemoCommand implements Callable<Integer> {
  /** Holds the tiny model's embeddings and a few layers, not all: two workers per pipeline. */
  static final String DEFAULT_WORKER_MEMORY = "64MiB";
  static final long READY_WAIT_MS = 120_000;
  static final long MORE_PIPELINES_GRACE_MS = 10_000;
  /** Held so the level set on it stays (JUL keeps loggers weakly). */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  @Spec CommandSpec spec;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
      description = "Workers to start (default ${DEFAULT-VALUE}: two pipelines of two stages with the tiny model).")
  int workers;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--grpc-port", paramLabel = "G", defaultValue = "9090", description = "gRPC port (default ${DEFAULT-VALUE}; -1 turns gRPC off).")
  int grpcPort;

  @Option(names = "--model", paramLabel = "DIR", defaultValue = "models/tiny",
      description = "Checkpoint folder; the tiny model is written there when it holds no config.json (default ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = "--worker-memory", paramLabel = "SIZE", defaultValue = DEFAULT_WORKER_MEMORY,
      description = "Memory budget of each worker (default ${DEFAULT-VALUE}).")
  String workerMemory;

  @Option(names = "--backend", paramLabel = "auto|cpu|cuda", defaultValue = "auto", description = "Worker backend (default ${DEFAULT-VALUE}).")
  String backend;

  @picocli.CommandLine.Mixin RewardsFlags rewards;

  @Override
  public Integer call() throws Exception {
    if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    long memory = MemorySize.parse(workerMemory);
    RewardsConfig ledger = rewards.config();
    HAZELCAST_LOG.setLevel(Level.WARNING); // one JVM, one member: its start-up chatter helps no one here
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isRegularFile(model.resolve("config.json"))) {
      out.println("writing the tiny Qwen3 model to " + model + " ...");
      out.flush();
      TinyModel.write(model, false, TinyModel.DEFAULT_SEED);
    }
    GatewayOptions gatewayOptions = GatewayOptions.local("gateway", port, grpcPort);
    String id = "demo-" + ProcessHandle.current().pid();
    ClusterOptions cluster = ClusterOptions.local("demo", id)
        .withClusterName("brigade-" + id)
        .withMembers(List.of(ClusterOptions.DEFAULT_HOST + ":" + ClusterOptions.DEFAULT_PORT));
    Vertx vertx = Serving.await(ClusterBootstrap.start(cluster));
    GatewayVerticle gateway = new GatewayVerticle(gatewayOptions);
    try {
      Serving.await(EmbeddedMesh.start(vertx, model, workers, memory, backend, null, ledger));
      Serving.await(vertx.deployVerticle(gateway));
      int ready = awaitPipelines(vertx, Math.max(1, workers / 2));
      out.println("brigade demo: " + workers + " workers, " + ready + " pipeline(s) ready (more may form; see /v1/cluster), model " + model);
    } catch (Exception e) {
      Serving.closeQuietly(vertx);
      throw e;
    }
    String url = "http://127.0.0.1:" + gateway.httpPort();
    out.println();
    out.println("  OpenAI-compatible API  " + url + "/v1");
    if (gateway.grpcPort() >= 0) out.println("  gRPC                   127.0.0.1:" + gateway.grpcPort() + " (brigade.v1.Brigade)");
    out.println("  WebSocket              ws://127.0.0.1:" + gateway.httpPort() + "/v1/ws");
    out.println("  cluster state          " + url + "/v1/cluster");
    out.println("  rewards                " + url + "/v1/rewards  (brigade rewards --url " + url + ")");
    out.println("  dashboard              " + url + "/dashboard");
    out.println("  Prometheus metrics     " + url + "/metrics");
    out.println("  Management Center      cluster " + cluster.clusterName() + ", member 127.0.0.1:"
        + ClusterBootstrap.hazelcast(vertx).getCluster().getLocalMember().getAddress().getPort());
    out.println();
    out.println("try:");
    out.println("  curl " + url + "/v1/chat/completions -H 'Content-Type: application/json' \\");
    out.println("    -d '{\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}],\"max_tokens\":32,\"stream\":true}'");
    out.println();
    out.println("Ctrl-C stops everything.");
    out.flush();
    Serving.untilKilled(vertx);
    return 0;
  }

  /**
   * Waits (boundedly) for the allocator to bring pipelines up: until {@code wanted} are ready, or
   * a grace period after the first one; returns how many are ready.
   */
  private static int awaitPipelines(Vertx vertx, int wanted) throws InterruptedException {
    IMap<String, String> pipelines = ClusterBootstrap.hazelcast(vertx).getMap(MapNames.PIPELINES);
    long deadline = System.currentTimeMillis() + READY_WAIT_MS;
    long firstReady = -1;
    int ready = 0;
    while (System.currentTimeMillis() < deadline) {
      ready = (int) pipelines.values().stream()
          .map(v -> PipelineRecord.fromJson(new io.vertx.core.json.JsonObject(v)))
          .filter(p -> p.state() == PipelineState.READY)
          .count();
      if (ready >= wanted) return ready;
      if (ready > 0 && firstReady < 0) firstReady = System.currentTimeMillis();
      if (firstReady >= 0 && System.currentTimeMillis() - firstReady > MORE_PIPELINES_GRACE_MS) return ready;
      Thread.sleep(200);
    }
    if (ready == 0) throw new IllegalStateException("no pipeline became ready within " + READY_WAIT_MS / 1000 + " s");
    return ready;
  }
}
