package dev.brigade.launcher;

import dev.brigade.protocol.testing.LocalCluster;
import static dev.brigade.protocol.testing.LocalCluster.await;
import static dev.brigade.protocol.testing.LocalCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.control.NodeRecord;
import dev.brigade.protocol.control.NodeState;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineState;
import dev.brigade.scheduler.SchedulerConfig;
import dev.brigade.scheduler.SchedulerNode;
import dev.brigade.scheduler.SchedulerVerticle;
import dev.brigade.worker.SelectedBackend;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerNode;
import dev.brigade.worker.WorkerProfile;
import dev.brigade.worker.WorkerRefusedException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real scheduler and real workers (stage servers loading slices of the tiny model), each on
 * its own clustered Vert.x in this JVM. 64 MiB per worker holds the tiny model's embeddings
 * plus a few layers at one end but not the whole model, so every pipeline needs two workers.
 */
class MeshFormationTest {
  static final long WORKER_MEMORY = 64L << 20;
  static final String TOKEN = "formation-token";
  private final LocalCluster cluster = new LocalCluster();
  private final Path model = TinyModelFixture.path(false);

  /**
   * Workers measure their speed on this shared machine while others load, so the latency ceiling
   * is lifted: these tests are about placement, not latency.
   */
  private SchedulerConfig schedulerConfig() {
    return SchedulerNode.config("scheduler", TOKEN, model).withMaxTokenSeconds(3600);
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  private Vertx worker(String nodeId) throws Exception {
    Vertx v = cluster.start("worker", nodeId);
    await(WorkerNode.start(v, WorkerConfig.of(nodeId, TOKEN, WORKER_MEMORY), model, SelectedBackend.choose("cpu")));
    return v;
  }

  static Map<String, PipelineRecord> pipelines(Vertx any) {
    IMap<String, String> map = ClusterBootstrap.hazelcast(any).getMap(MapNames.PIPELINES);
    Map<String, PipelineRecord> out = new HashMap<>();
    map.forEach((k, v) -> out.put(k, PipelineRecord.fromJson(new JsonObject(v))));
    return out;
  }

  static Map<String, NodeRecord> nodes(Vertx any) {
    IMap<String, String> map = ClusterBootstrap.hazelcast(any).getMap(MapNames.NODES);
    Map<String, NodeRecord> out = new HashMap<>();
    map.forEach((k, v) -> out.put(k, NodeRecord.fromJson(new JsonObject(v))));
    return out;
  }

  static long ready(Vertx any) {
    return pipelines(any).values().stream().filter(p -> p.state() == PipelineState.READY).count();
  }

  /** Stages are contiguous, head first, and cover every layer once. */
  static void assertCoversModel(PipelineRecord p, int numLayers) {
    int next = 0;
    for (PipelineRecord.Stage s : p.stages()) {
      assertEquals(next, s.layerStart(), "stages of " + p.pipelineId() + " are contiguous: " + p.stages());
      next = s.layerEnd();
    }
    assertEquals(numLayers, next, "pipeline " + p.pipelineId() + " covers every layer");
  }

  @Test
  void workersFormTwoPipelinesAndAStandbyFillsTheGapOfALostOne() throws Exception {
    Vertx schedulerNode = cluster.start("scheduler", "scheduler");
    await(SchedulerNode.start(schedulerNode, schedulerConfig()));
    Map<String, Vertx> workers = new HashMap<>();
    for (String id : List.of("w1", "w2", "w3", "w4", "w5")) {
      workers.put(id, worker(id));
    }

    eventually("two ready pipelines", () -> ready(schedulerNode) == 2);
    Map<String, PipelineRecord> formed = pipelines(schedulerNode);
    assertEquals(2, formed.size());
    for (PipelineRecord p : formed.values()) {
      assertEquals(2, p.stages().size(), "64 MiB cannot hold the whole tiny model: " + p.stages());
      assertCoversModel(p, 6);
    }
    eventually("the fifth worker on standby",
        () -> nodes(schedulerNode).values().stream().filter(n -> n.state() == NodeState.STANDBY).count() == 1);
    String spare = nodes(schedulerNode).values().stream()
        .filter(n -> n.state() == NodeState.STANDBY).findFirst().orElseThrow().nodeId();

    // Lose the tail of one pipeline: the spare takes exactly that gap; the pipeline is not dissolved.
    PipelineRecord victim = formed.values().iterator().next();
    PipelineRecord.Stage lost = victim.stages().getLast();
    cluster.stop(workers.get(lost.nodeId()));

    eventually("pipeline " + victim.pipelineId() + " repaired", () -> {
      PipelineRecord p = pipelines(schedulerNode).get(victim.pipelineId());
      return p != null && p.state() == PipelineState.READY && p.uses(spare);
    });
    PipelineRecord repaired = pipelines(schedulerNode).get(victim.pipelineId());
    assertEquals(victim.stages().getFirst().nodeId(), repaired.headNodeId(), "the surviving head stays");
    assertEquals(lost.layerStart(), repaired.stages().getLast().layerStart(), "the spare serves the lost range");
    assertCoversModel(repaired, 6);
    assertEquals(NodeState.GONE, nodes(schedulerNode).get(lost.nodeId()).state());
    assertEquals(2, ready(schedulerNode));
  }

  /** A worker that reports a chosen speed instead of measuring one. */
  private Vertx workerWithSpeed(String nodeId, double layerSeconds) throws Exception {
    Vertx v = cluster.start("worker", nodeId);
    await(WorkerNode.start(v, WorkerConfig.of(nodeId, TOKEN, WORKER_MEMORY), model, SelectedBackend.choose("cpu"),
        new WorkerProfile("cpu", "test", layerSeconds)));
    return v;
  }

  @Test
  void aFullReplanDrainsTheOldPipelineBeforeItsNodeServesTheNewOne() throws Exception {
    Vertx schedulerNode = cluster.start("scheduler", "scheduler");
    await(SchedulerNode.start(schedulerNode, schedulerConfig().withRebalanceEvery(Duration.ofSeconds(2))));
    workerWithSpeed("fast-a", 0.001);
    workerWithSpeed("slow-b", 0.05);
    eventually("a pipeline of fast-a and slow-b", () -> pipelines(schedulerNode).values().stream()
        .anyMatch(p -> p.state() == PipelineState.READY && p.uses("fast-a") && p.uses("slow-b")));
    String old = pipelines(schedulerNode).keySet().iterator().next();

    // fast-c cannot form a pipeline alone; only a re-plan pairs it with fast-a.
    workerWithSpeed("fast-c", 0.001);
    eventually("fast-a and fast-c serve together", () -> pipelines(schedulerNode).values().stream()
        .anyMatch(p -> p.state() == PipelineState.READY && p.uses("fast-a") && p.uses("fast-c")));
    assertFalse(pipelines(schedulerNode).containsKey(old), "the old pipeline was drained and dissolved");
    eventually("slow-b back on standby", () -> nodes(schedulerNode).get("slow-b").state() == NodeState.STANDBY);
    assertEquals(1, pipelines(schedulerNode).size());
  }

  @Test
  void aStandbySchedulerTakesOverThePipelinesAndRepairsWithTheNextJoin() throws Exception {
    Vertx first = cluster.start("scheduler", "s1");
    SchedulerVerticle active = await(SchedulerNode.start(first, schedulerConfigFor("s1")));
    Vertx second = cluster.start("scheduler", "s2");
    SchedulerVerticle standby = await(SchedulerNode.start(second, schedulerConfigFor("s2")));
    Map<String, Vertx> workers = new HashMap<>();
    for (String id : List.of("w1", "w2", "w3", "w4")) {
      workers.put(id, worker(id));
    }
    eventually("two ready pipelines", () -> ready(second) == 2);
    assertTrue(active.isActive());
    assertFalse(standby.isActive());

    cluster.stop(first);
    eventually("s2 active", standby::isActive);
    assertEquals(2, ready(second), "a takeover leaves serving pipelines alone");

    // The new scheduler watches the workers it inherited: a loss breaks the pipeline (no spare)...
    PipelineRecord victim = pipelines(second).values().iterator().next();
    String lost = victim.stages().getFirst().nodeId();
    cluster.stop(workers.get(lost));
    eventually(lost + " gone", () -> nodes(second).get(lost).state() == NodeState.GONE);
    eventually("pipeline broken", () -> pipelines(second).get(victim.pipelineId()).state() == PipelineState.BROKEN);
    // ...and the next worker to join fills the gap.
    worker("w5");
    eventually("repaired by w5", () -> {
      PipelineRecord p = pipelines(second).get(victim.pipelineId());
      return p.state() == PipelineState.READY && p.uses("w5");
    });
    assertEquals(2, ready(second));
  }

  private SchedulerConfig schedulerConfigFor(String id) {
    return SchedulerNode.config(id, TOKEN, model).withMaxTokenSeconds(3600);
  }

  @Test
  void aWorkerWithTheWrongTokenIsRefusedWithTheReason() throws Exception {
    Vertx schedulerNode = cluster.start("scheduler", "scheduler");
    await(SchedulerNode.start(schedulerNode, "scheduler", TOKEN, model));
    Vertx v = cluster.start("worker", "intruder");
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
        await(WorkerNode.start(v, WorkerConfig.of("intruder", "wrong", WORKER_MEMORY), model, SelectedBackend.choose("cpu"))));
    assertTrue(refused.getCause() instanceof WorkerRefusedException, String.valueOf(refused.getCause()));
    assertTrue(refused.getCause().getMessage().contains("join token"), refused.getCause().getMessage());
    assertFalse(nodes(schedulerNode).containsKey("intruder"));
    assertNotNull(schedulerNode);
  }
}
