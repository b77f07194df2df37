package dev.brigade.launcher;

import static dev.brigade.protocol.testing.LocalCluster.eventually;
import static dev.brigade.launcher.MeshFormationTest.assertCoversModel;
import static dev.brigade.launcher.MeshFormationTest.nodes;
import static dev.brigade.launcher.MeshFormationTest.pipelines;
import static dev.brigade.launcher.MeshFormationTest.ready;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.gateway.mesh.MeshSequenceService;
import dev.brigade.gateway.mesh.MeshSettings;
import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.GeneratedToken;
import dev.brigade.gateway.sequence.SequenceFailure;
import dev.brigade.gateway.sequence.SequenceListener;
import dev.brigade.gateway.sequence.SequenceRequest;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import dev.brigade.protocol.control.NodeRecord;
import dev.brigade.protocol.control.NodeState;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The mesh as it runs in production: a scheduler and four workers, each its own JVM started
 * with `brigade scheduler` / `brigade worker`, and a gateway (the sequence service) in this
 * JVM. 64 MiB per worker forces two pipelines of two stages on the tiny model. Outputs are
 * compared token for token with `brigade generate` (one process, no cluster); one worker is then
 * killed with SIGKILL while every sequence runs, and the sequences must still finish exactly as
 * without the failure; finally a fresh worker joins and the broken pipeline is repaired.
 */
class MultiProcessMeshTest {
  private static final String TOKEN = "multi-process-token";
  private static final int MAX_TOKENS = 160;
  /** Token ids the tiny model's tokenizer can decode; any ids work for the engine. */
  private static final int[][] PROMPTS = {
      {785, 6722, 315, 9625, 374},
      {9707, 11, 1879, 0, 358, 1079},
      {641, 279, 7167, 11},
      {3838, 374, 220, 17, 488, 220, 17, 30}};
  private static final double[] TEMPERATURES = {0, 0, 0.8, 1.0};
  private static final long[] SEEDS = {0, 0, 7, 42};

  private final Path model = TinyModelFixture.path(false);
  private final String clusterName = "brigade-mp-" + UUID.randomUUID();
  private final int schedulerPort = ThreadLocalRandom.current().nextInt(20_000, 50_000);
  private final Map<String, Process> workers = new HashMap<>();

  private static SamplingParams params(int i) {
    return new SamplingParams(TEMPERATURES[i], 0, 1, 0, 1, 0, 0, SEEDS[i], -1);
  }

  private List<String> clusterArgs(int port) {
    return List.of("--cluster-name", clusterName, "--port", String.valueOf(port),
        "--join", "127.0.0.1:" + schedulerPort);
  }

  private void startWorker(JavaProcesses procs, String id, int port) throws Exception {
    List<String> args = new ArrayList<>(List.of("worker", "--model", model.toString(), "--memory", "64MiB",
        "--backend", "cpu", "--token", TOKEN, "--id", id));
    args.addAll(clusterArgs(port));
    workers.put(id, procs.start(id, args));
  }

  /** Starts `brigade generate --json` in its own process: the single-process reference. */
  private static Process startReference(JavaProcesses procs, Path model, int i) throws Exception {
    StringBuilder ids = new StringBuilder();
    for (int t : PROMPTS[i]) {
      ids.append(ids.isEmpty() ? "" : ",").append(t);
    }
    return procs.start("generate-" + i, List.of("generate", "--model", model.toString(),
        "--tokens", ids.toString(), "--max-tokens", String.valueOf(MAX_TOKENS),
        "--temperature", String.valueOf(TEMPERATURES[i]), "--seed", String.valueOf(SEEDS[i]), "--json"));
  }

  /** The token ids a reference process printed. */
  private static int[] reference(JavaProcesses procs, int i, Process p) throws Exception {
    String out = procs.finish("generate-" + i, p);
    String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    JsonArray tokens = new JsonObject(json).getJsonArray("token_ids");
    int[] result = new int[tokens.size()];
    for (int k = 0; k < result.length; k++) {
      result[k] = tokens.getInteger(k);
    }
    return result;
  }

  /** One running sequence's tokens as they arrive, completed by onFinish. */
  private static final class Collector implements SequenceListener {
    final List<Integer> tokens = new CopyOnWriteArrayList<>();
    final CompletableFuture<int[]> done = new CompletableFuture<>();

    @Override
    public void onToken(GeneratedToken token) {
      tokens.add(token.tokenId());
    }

    @Override
    public void onFinish(FinishReason reason, int completionTokens) {
      done.complete(tokens.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public void onError(SequenceFailure failure) {
      done.completeExceptionally(new AssertionError("sequence failed: " + failure));
    }
  }

  private static List<Collector> startAll(MeshSequenceService service, Context ctx, String round) {
    List<Collector> collectors = new ArrayList<>();
    for (int i = 0; i < PROMPTS.length; i++) {
      Collector c = new Collector();
      collectors.add(c);
      SequenceRequest request = new SequenceRequest(round + "-" + i, PROMPTS[i], params(i), MAX_TOKENS,
          Set.of(151643, 151645));
      ctx.runOnContext(v -> service.start(request, c));
    }
    return collectors;
  }

  @Test
  void fourWorkerProcessesServeLikeOneProcessAndSurviveAKill() throws Exception {
    Vertx gateway = null;
    try (JavaProcesses procs = new JavaProcesses(Path.of("target", "multi-process", clusterName))) {
      List<String> schedulerArgs = new ArrayList<>(List.of("scheduler", "--model", model.toString(),
          "--token", TOKEN, "--id", "scheduler", "--max-token-seconds", "3600"));
      schedulerArgs.addAll(List.of("--cluster-name", clusterName, "--port", String.valueOf(schedulerPort)));
      // The test's own ledger, not the user's default one under ~/.brigade.
      schedulerArgs.addAll(List.of("--ledger", Path.of("target", "multi-process", clusterName, "rewards.db").toString()));
      procs.start("scheduler", schedulerArgs);
      for (int w = 1; w <= 4; w++) {
        startWorker(procs, "w" + w, schedulerPort + 3 * w);
      }
      List<Process> references = new ArrayList<>();
      for (int i = 0; i < PROMPTS.length; i++) {
        references.add(startReference(procs, model, i));
      }
      int[][] expected = new int[PROMPTS.length][];
      for (int i = 0; i < PROMPTS.length; i++) {
        expected[i] = reference(procs, i, references.get(i));
      }

      ClusterOptions options = ClusterOptions.local("gateway", "test-gateway").withClusterName(clusterName)
          .withPort(schedulerPort + 30).withMembers(List.of("127.0.0.1:" + schedulerPort));
      gateway = ClusterBootstrap.start(options).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      Vertx g = gateway;
      eventually("two ready pipelines of two stages", () -> ready(g) == 2);
      for (PipelineRecord p : pipelines(gateway).values()) {
        assertEquals(2, p.stages().size(), p.stages().toString());
        assertCoversModel(p, 6);
      }
      MeshSequenceService service = MeshSequenceService.start(gateway, "test-gateway", MeshSettings.defaults())
          .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      Context ctx = gateway.getOrCreateContext();

      // 1. Failure-free: every sequence equals `brigade generate`.
      List<Collector> first = startAll(service, ctx, "clean");
      for (int i = 0; i < PROMPTS.length; i++) {
        assertArrayEquals(expected[i], first.get(i).done.get(5, TimeUnit.MINUTES), "sequence " + i);
      }

      // 2. SIGKILL a worker that serves running sequences; every sequence still ends identical.
      List<Collector> second = startAll(service, ctx, "killed");
      eventually("every sequence under way", () -> second.stream().allMatch(c -> c.tokens.size() >= 3 || c.done.isDone()));
      String victim = busyWorker(gateway);
      String victimPipeline = nodes(gateway).get(victim).pipelineId();
      long running = second.stream().filter(c -> !c.done.isDone()).count();
      JavaProcesses.kill(workers.get(victim));
      assertTrue(running > 0, "the kill must land while sequences run");
      for (int i = 0; i < PROMPTS.length; i++) {
        assertArrayEquals(expected[i], second.get(i).done.get(5, TimeUnit.MINUTES), "sequence " + i + " after the kill");
      }
      eventually(victim + " gone", () -> nodes(g).get(victim).state() == NodeState.GONE);
      assertTrue(pipelines(gateway).get(victimPipeline).state() != PipelineState.READY,
          "no spare node: the pipeline waits broken");

      // 3. A fresh worker joins and fills the gap.
      startWorker(procs, "w5", schedulerPort + 15);
      eventually("pipeline " + victimPipeline + " repaired by w5", () -> {
        PipelineRecord p = pipelines(g).get(victimPipeline);
        return p != null && p.state() == PipelineState.READY && p.uses("w5");
      });
      assertEquals(2, ready(gateway));
      assertCoversModel(pipelines(gateway).get(victimPipeline), 6);
    } finally {
      if (gateway != null) {
        gateway.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      }
    }
  }

  /** A worker whose last heartbeat reported running sequences (waits for one to report). */
  private static String busyWorker(Vertx gateway) throws InterruptedException {
    String[] found = new String[1];
    eventually("a worker reporting running sequences", () -> {
      for (NodeRecord n : nodes(gateway).values()) {
        if (n.state() == NodeState.READY && n.activeSequences() > 0) {
          found[0] = n.nodeId();
          return true;
        }
      }
      return false;
    });
    return found[0];
  }
}
