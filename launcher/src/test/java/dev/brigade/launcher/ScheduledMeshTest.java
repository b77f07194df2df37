package dev.brigade.launcher;

import dev.brigade.protocol.testing.LocalCluster;
import static dev.brigade.protocol.testing.LocalCluster.await;
import static dev.brigade.protocol.testing.LocalCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.gateway.mesh.MeshSequenceService;
import dev.brigade.gateway.mesh.MeshSettings;
import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.SequenceRequest;
import dev.brigade.launcher.mesh.RecordingListener;
import dev.brigade.launcher.mesh.ReferenceDecode;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.scheduler.SchedulerNode;
import dev.brigade.worker.SelectedBackend;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data plane on pipelines the real scheduler formed: a gateway's sequence client runs a
 * seeded sequence on them, one of its stages leaves mid-stream, and the caller still gets
 * exactly the single-process tokens.
 */
class ScheduledMeshTest {
  private static final int[] PROMPT = {9707, 11, 1879, 0, 358, 1079, 264, 2613, 1614, 13};
  private final LocalCluster cluster = new LocalCluster();
  private final Path model = TinyModelFixture.path(false);

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void sequencesRunAndFailOverOnScheduledPipelines() throws Exception {
    Vertx scheduler = cluster.start("scheduler", "scheduler");
    await(SchedulerNode.start(scheduler, SchedulerNode.config("scheduler", MeshFormationTest.TOKEN, model)
        .withMaxTokenSeconds(3600)));
    Map<String, Vertx> workers = new HashMap<>();
    Map<String, WorkerNode> nodes = new HashMap<>();
    for (String id : List.of("w1", "w2", "w3", "w4")) {
      Vertx v = cluster.start("worker", id);
      nodes.put(id, await(WorkerNode.start(v, WorkerConfig.of(id, MeshFormationTest.TOKEN,
          MeshFormationTest.WORKER_MEMORY), model, SelectedBackend.choose("cpu"))));
      workers.put(id, v);
    }
    Vertx gateway = cluster.start("gateway", "gw-sched");
    MeshSequenceService service = await(MeshSequenceService.start(gateway, "gw-sched", MeshSettings.defaults()));
    eventually("two ready pipelines seen by the gateway", () -> service.readyPipelines() == 2);

    SamplingParams seeded = new SamplingParams(0.7, 40, 0.9, 0, 1.0, 0, 0, 2024, -1);
    int max = 40;
    // The workers run the CPU backend ("cpu"); so does the reference.
    List<Integer> expected = ReferenceDecode.generate(model, PROMPT, seeded, max, new CpuBackend());

    Context ctx = gateway.getOrCreateContext();
    RecordingListener first = new RecordingListener(ctx);
    ctx.runOnContext(v -> service.start(new SequenceRequest("sched-1", PROMPT, seeded, max, Set.of()), first));
    assertEquals(expected, first.outcome.get(120, TimeUnit.SECONDS).tokens());

    RecordingListener second = new RecordingListener(ctx);
    ctx.runOnContext(v -> service.start(new SequenceRequest("sched-2", PROMPT, seeded, max, Set.of()), second));
    eventually("a few tokens", () -> second.tokens.size() >= 3);
    PipelineRecord running = MeshFormationTest.pipelines(scheduler).values().stream()
        .filter(p -> p.stages().stream().anyMatch(
            s -> nodes.get(s.nodeId()).stage().figures().activeSequences() > 0))
        .findFirst().orElseThrow();
    String victim = running.stages().getLast().nodeId();
    cluster.stop(workers.remove(victim));

    RecordingListener.Outcome o = second.outcome.get(120, TimeUnit.SECONDS);
    assertNull(o.failure());
    assertEquals(FinishReason.LENGTH, o.reason());
    assertEquals(expected, o.tokens(), "identical to the failure-free run after losing " + victim);
    assertEquals(IntStream.range(0, max).boxed().toList(), o.indexes());
    assertTrue(o.onCallerContext());
    await(service.close());
  }
}
