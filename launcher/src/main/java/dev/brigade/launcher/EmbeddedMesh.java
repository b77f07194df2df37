package dev.brigade.launcher;

import dev.brigade.scheduler.SchedulerNode;
import dev.brigade.scheduler.SchedulerVerticle;
import dev.brigade.scheduler.rewards.RewardsConfig;
import dev.brigade.worker.SelectedBackend;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A scheduler and N workers on one clustered Vert.x: what `brigade demo` runs (with a gateway
 * beside it) and what in-JVM tests start. Workers register one after another and are planned
 * together once the last one joined.
 */
public final class EmbeddedMesh {
  static final double DEMO_MAX_TOKEN_SECONDS = 3600;
  private final Vertx vertx;
  private final SchedulerVerticle scheduler;
  private final List<WorkerNode> workers;

  private EmbeddedMesh(Vertx vertx, SchedulerVerticle scheduler, List<WorkerNode> workers) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.workers = workers;
  }

  /**
   * @param vertx a clustered Vert.x (see {@code ClusterBootstrap})
   * @param workerMemoryBytes each worker's budget for weights and KV cache
   * @param backend "auto", "cpu" or "cuda"
   * @param joinToken null for an open cluster
   */
  public static Future<EmbeddedMesh> start(
      Vertx vertx, Path modelDir, int workerCount, long workerMemoryBytes, String backend, String joinToken) {
    return start(vertx, modelDir, workerCount, workerMemoryBytes, backend, joinToken, RewardsConfig.inMemory());
  }

  /** As above, with the scheduler's rewards ledger as {@code rewards} says. */
  public static Future<EmbeddedMesh> start(Vertx vertx, Path modelDir, int workerCount, long workerMemoryBytes,
      String backend, String joinToken, RewardsConfig rewards) {
    if (workerCount < 1) {
      return Future.failedFuture(new IllegalArgumentException("--workers " + workerCount + " must be at least 1"));
    }
    SelectedBackend device;
    try {
      device = SelectedBackend.choose(backend);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // Every worker shares this machine's cores, so measured speeds say little about latency:
    // the demo forms pipelines whatever their predicted seconds per token.
    return vertx.executeBlocking(() -> SchedulerNode.config("scheduler", joinToken, modelDir)
            .withMaxTokenSeconds(DEMO_MAX_TOKEN_SECONDS), false)
        .compose(config -> SchedulerNode.start(vertx, config, rewards))
        .compose(scheduler -> {
      List<WorkerNode> started = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < workerCount; i++) {
        WorkerConfig config = WorkerConfig.of("worker-" + (i + 1), joinToken, workerMemoryBytes);
        chain = chain.compose(v -> WorkerNode.start(vertx, config, modelDir, device).map(w -> {
          started.add(w);
          return null;
        }));
      }
      return chain.map(v -> new EmbeddedMesh(vertx, scheduler, started));
    });
  }

  public SchedulerVerticle scheduler() {
    return scheduler;
  }

  public List<WorkerNode> workers() {
    return List.copyOf(workers);
  }

  /** Stops every worker (the scheduler goes with the Vert.x). */
  public Future<Void> stop() {
    List<Future<Void>> stops = new ArrayList<>();
    workers.forEach(w -> stops.add(w.stop(vertx)));
    return Future.join(stops).mapEmpty();
  }
}
