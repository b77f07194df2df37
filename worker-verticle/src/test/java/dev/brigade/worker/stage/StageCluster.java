package dev.brigade.worker.stage;

import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import dev.brigade.protocol.control.SliceAssignment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real clustered Vert.x instances in this JVM: one "gateway" node for the test and one per
 * worker, each worker with a {@link StageServer}. Unique cluster name per instance of this
 * class; Hazelcast ports from 5701 upward (auto-increment skips ports in use).
 */
final class StageCluster implements AutoCloseable {
  static final long KV_BUDGET = 8L << 20;

  final String clusterName = "stage-test-" + UUID.randomUUID();
  final Vertx gateway;
  final List<Vertx> workerVertx = new ArrayList<>();
  final List<StageServer> stages = new ArrayList<>();
  private final String firstMember;

  StageCluster(int workers, StageSettings settings) throws Exception {
    gateway = await(ClusterBootstrap.start(
        ClusterOptions.local("gateway", "gw").withClusterName(clusterName).withPort(5701)));
    int port = ClusterBootstrap.hazelcast(gateway).getCluster().getLocalMember().getAddress().getPort();
    firstMember = "127.0.0.1:" + port;
    for (int i = 0; i < workers; i++) {
      Vertx v = await(ClusterBootstrap.start(ClusterOptions.local("worker", "w" + i)
          .withClusterName(clusterName).withPort(port + 1 + i).withMembers(List.of(firstMember))));
      workerVertx.add(v);
      StageServer stage = new StageServer(v, "w" + i, settings);
      await(onContext(v, stage::start));
      stages.add(stage);
    }
  }

  /** Loads a pipeline over workers [0, boundaries.length - 1): stage s serves [b[s], b[s+1]). */
  void loadPipeline(String pipelineId, Path model, int... boundaries) throws Exception {
    int stageCount = boundaries.length - 1;
    int numLayers = boundaries[stageCount];
    for (int s = 0; s < stageCount; s++) {
      SliceAssignment a = new SliceAssignment(pipelineId, s, stageCount, "w" + s, boundaries[s],
          boundaries[s + 1], numLayers, s + 1 < stageCount ? "w" + (s + 1) : null, "w0", 1);
      StageServer stage = stages.get(s);
      await(onContext(workerVertx.get(s), () -> stage.load(a, model, new ScalarBackend(), KV_BUDGET)));
    }
  }

  static <T> Future<T> onContext(Vertx v, java.util.function.Supplier<Future<T>> action) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    v.getOrCreateContext().runOnContext(x -> action.get().onComplete(p));
    return p.future();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (int i = 0; i < stages.size(); i++) {
      try {
        await(stages.get(i).close());
      } catch (Exception ignored) {
        // the node may already be closed by the test
      }
    }
    for (Vertx v : workerVertx) {
      try {
        await(v.close());
      } catch (Exception ignored) {
        // already closed by the test
      }
    }
    await(gateway.close());
  }
}
