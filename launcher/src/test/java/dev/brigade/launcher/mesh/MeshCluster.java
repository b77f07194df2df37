package dev.brigade.launcher.mesh;

import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.gateway.mesh.MeshSequenceService;
import dev.brigade.gateway.mesh.MeshSettings;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineState;
import dev.brigade.worker.stage.StageServer;
import dev.brigade.worker.stage.StageSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A gateway node with a {@link MeshSequenceService} and worker nodes with {@link StageServer}s,
 * each a real clustered Vert.x in this JVM (unique cluster name, Hazelcast ports from 5701 up).
 * Tests assign slices through the stage API and write the pipeline table themselves.
 */
final class MeshCluster implements AutoCloseable {
  static final long KV_BUDGET = 8L << 20;

  final String clusterName = "mesh-test-" + UUID.randomUUID();
  final Vertx gateway;
  final MeshSequenceService service;
  final Map<String, Vertx> workerVertx = new LinkedHashMap<>();
  final Map<String, StageServer> stages = new LinkedHashMap<>();
  private final int firstPort;

  MeshCluster(int workers, MeshSettings settings) throws Exception {
    gateway = await(ClusterBootstrap.start(
        ClusterOptions.local("gateway", "gw-test").withClusterName(clusterName).withPort(5701)));
    firstPort = ClusterBootstrap.hazelcast(gateway).getCluster().getLocalMember().getAddress().getPort();
    for (int i = 0; i < workers; i++) {
      String id = "w" + i;
      Vertx v = await(ClusterBootstrap.start(ClusterOptions.local("worker", id).withClusterName(clusterName)
          .withPort(firstPort + 1 + i).withMembers(List.of("127.0.0.1:" + firstPort))));
      workerVertx.put(id, v);
      StageServer stage = new StageServer(v, id, StageSettings.defaults().withPrefillChunkTokens(8));
      await(onContext(v, stage::start));
      stages.put(id, stage);
    }
    service = await(MeshSequenceService.start(gateway, "gw-test", settings));
  }

  /** Loads the pipeline on {@code nodes} (stage s serves [b[s], b[s+1])) and publishes it READY. */
  void pipeline(String pipelineId, Path model, List<String> nodes, int... boundaries) throws Exception {
    int numLayers = boundaries[boundaries.length - 1];
    List<PipelineRecord.Stage> st = new ArrayList<>();
    for (int s = 0; s < nodes.size(); s++) {
      st.add(new PipelineRecord.Stage(nodes.get(s), boundaries[s], boundaries[s + 1], 1e-3, true));
    }
    PipelineRecord record = new PipelineRecord(pipelineId, PipelineState.READY, 1, numLayers, st);
    for (int s = 0; s < nodes.size(); s++) {
      var a = record.assignment(s);
      StageServer stage = stages.get(nodes.get(s));
      await(onContext(workerVertx.get(nodes.get(s)), () -> stage.load(a, model, new ScalarBackend(), KV_BUDGET)));
    }
    ClusterBootstrap.hazelcast(gateway).<String, String>getMap(MapNames.PIPELINES)
        .put(pipelineId, record.toJson().encode());
    for (int i = 0; i < 200 && service.readyPipelines() < countReady(); i++) {
      Thread.sleep(25);
    }
  }

  private int countReady() {
    return (int) ClusterBootstrap.hazelcast(gateway).<String, String>getMap(MapNames.PIPELINES).size();
  }

  /** Stops a worker's whole Vert.x (its cluster member leaves). */
  void stopWorker(String id) throws Exception {
    StageServer s = stages.remove(id);
    await(s.close());
    await(workerVertx.remove(id).close());
  }

  static <T> Future<T> onContext(Vertx v, Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    v.getOrCreateContext().runOnContext(x -> action.get().onComplete(p));
    return p.future();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      await(service.close());
    } catch (Exception ignored) {
      // closing anyway
    }
    for (StageServer s : stages.values()) {
      try {
        await(s.close());
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    for (Vertx v : workerVertx.values()) {
      await(v.close());
    }
    await(gateway.close());
  }
}
