package dev.brigade.launcher.bench;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.generate.Generator;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.gateway.mesh.MeshSequenceService;
import dev.brigade.gateway.mesh.MeshSettings;
import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.GeneratedToken;
import dev.brigade.gateway.sequence.SequenceFailure;
import dev.brigade.gateway.sequence.SequenceListener;
import dev.brigade.gateway.sequence.SequenceRequest;
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
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Decode throughput of the mesh against one process running the whole model: one sequence
 * through 1, 2, 4... stages (each stage a clustered Vert.x of its own in this JVM, so frames
 * cross the event bus over loopback TCP), and N concurrent sequences against one.
 */
public final class MeshBench {

  /** @param backend "cpu" or "scalar" */
  public record Options(Path model, List<Integer> stageCounts, int promptTokens, int tokens,
      int concurrency, String backend) {}

  /** Tokens/s of one run, and whether its tokens equal the single-process ones (null: not compared). */
  public record Figure(String label, double tokensPerSecond, Boolean identical) {}

  /**
   * @param concurrentMeanBatch sequences per batched forward at the head during the concurrent
   *     run; @param concurrentComputeShare the head's forward time over the run's wall time
   */
  public record Report(String model, String backend, int cores, Figure singleProcess,
      List<Figure> stages, Figure oneSequence, Figure concurrent, int concurrency,
      double concurrentMeanBatch, double concurrentComputeShare) {}

  private final Options o;
  private final ModelConfig config;
  private final int[] prompt;

  public MeshBench(Options options) {
    this.o = options;
    try (Checkpoint c = Checkpoints.open(options.model())) {
      this.config = c.config();
    }
    for (int s : options.stageCounts()) {
      if (s < 1 || s > config.numLayers()) {
        throw new IllegalArgumentException("--stages " + s + ": must be 1.." + config.numLayers()
            + " for a model of " + config.numLayers() + " layers");
      }
    }
    this.prompt = promptOf(0, options.promptTokens());
  }

  private int[] promptOf(int salt, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = (int) (((long) (i + 1) * 7919 + salt * 104729L + 13) % Math.min(config.vocabSize(), 150_000));
    }
    return p;
  }

  private Backend backend() {
    return "scalar".equals(o.backend()) ? new ScalarBackend() : new CpuBackend();
  }

  public Report run() throws Exception {
    singleProcess(Math.max(2, o.tokens() / 4)); // warm-up: JIT and page cache
    TimedTokens reference = singleProcess(o.tokens());
    Figure single = new Figure("1 process", reference.decodeRate(), true);
    List<Figure> stageFigures = new ArrayList<>();
    Figure one = null;
    Figure many = null;
    double meanBatch = 0;
    double computeShare = 0;
    for (int stages : o.stageCounts()) {
      try (InJvmMesh mesh = new InJvmMesh(stages)) {
        mesh.run(List.of(promptOf(99, o.promptTokens())), Math.max(2, o.tokens() / 4)); // warm-up
        TimedTokens t = mesh.run(List.of(prompt), o.tokens()).getFirst();
        stageFigures.add(new Figure(stages + " stages", t.decodeRate(), t.tokens.equals(reference.tokens)));
        if (stages == o.stageCounts().getFirst() && o.concurrency() > 1) {
          one = aggregate(mesh, 1);
          long batches = mesh.servers.getFirst().figures().batches();
          long entries = Math.round(mesh.servers.getFirst().figures().meanBatchEntries() * batches);
          long compute = mesh.servers.getFirst().figures().computeNanos();
          long t0 = System.nanoTime();
          many = aggregate(mesh, o.concurrency());
          long wall = System.nanoTime() - t0;
          long batches2 = mesh.servers.getFirst().figures().batches();
          long entries2 = Math.round(mesh.servers.getFirst().figures().meanBatchEntries() * batches2);
          meanBatch = (double) (entries2 - entries) / Math.max(1, batches2 - batches);
          computeShare = (double) (mesh.servers.getFirst().figures().computeNanos() - compute) / wall;
        }
      }
    }
    return new Report(config.name(), o.backend(), Runtime.getRuntime().availableProcessors(), single,
        stageFigures, one, many, o.concurrency(), meanBatch, computeShare);
  }

  /** Tokens/s summed over {@code n} sequences started together, first start to last token. */
  private Figure aggregate(InJvmMesh mesh, int n) throws Exception {
    List<int[]> prompts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prompts.add(promptOf(i + 1, o.promptTokens()));
    }
    long t0 = System.nanoTime();
    List<TimedTokens> runs = mesh.run(prompts, o.tokens());
    long end = runs.stream().mapToLong(r -> r.times.getLast()).max().orElse(t0);
    int total = runs.stream().mapToInt(r -> r.tokens.size()).sum();
    return new Figure(n + " sequences", total / ((end - t0) / 1e9), null);
  }

  private TimedTokens singleProcess(int tokens) {
    try (Checkpoint c = Checkpoints.open(o.model());
        SliceChain chain = SliceChain.load(c, backend(), config.numLayers(),
            Math.min(config.maxPositionEmbeddings(), o.promptTokens() + o.tokens() + 16), DType.BF16)) {
      TimedTokens t = new TimedTokens();
      new Generator(chain).generate("bench", prompt, tokens, SamplingParams.greedy(), Set.of(), t::add);
      return t;
    }
  }

  /** Token ids with their arrival times. */
  static final class TimedTokens {
    final List<Integer> tokens = new ArrayList<>();
    final List<Long> times = new ArrayList<>();

    synchronized void add(int token) {
      tokens.add(token);
      times.add(System.nanoTime());
    }

    /** Tokens after the first over the time since the first: decode only, prefill excluded. */
    double decodeRate() {
      if (tokens.size() < 2) {
        return 0;
      }
      return (tokens.size() - 1) / ((times.getLast() - times.getFirst()) / 1e9);
    }
  }

  /** A gateway node and one node per stage, each a clustered Vert.x in this JVM. */
  private final class InJvmMesh implements AutoCloseable {
    private final Vertx gateway;
    private final List<Vertx> workers = new ArrayList<>();
    private final List<StageServer> servers = new ArrayList<>();
    private final MeshSequenceService service;
    private int nextId;

    InJvmMesh(int stages) throws Exception {
      String cluster = "bench-" + UUID.randomUUID();
      gateway = await(ClusterBootstrap.start(ClusterOptions.local("gateway", "bench-gw").withClusterName(cluster)));
      int port = ClusterBootstrap.hazelcast(gateway).getCluster().getLocalMember().getAddress().getPort();
      List<PipelineRecord.Stage> st = new ArrayList<>();
      int layers = config.numLayers();
      for (int s = 0; s < stages; s++) {
        st.add(new PipelineRecord.Stage("bench-w" + s, s * layers / stages, (s + 1) * layers / stages, 1e-3, true));
      }
      PipelineRecord record = new PipelineRecord("bench", PipelineState.READY, 1, layers, st);
      long kvBudget = 4L * config.numKvHeads() * config.headDim() * layers
          * ((long) Math.max(1, o.concurrency()) * (o.promptTokens() + o.tokens() + 32));
      for (int s = 0; s < stages; s++) {
        Vertx v = await(ClusterBootstrap.start(ClusterOptions.local("worker", "bench-w" + s)
            .withClusterName(cluster).withPort(port + 1 + s).withMembers(List.of("127.0.0.1:" + port))));
        workers.add(v);
        StageServer server = new StageServer(v, "bench-w" + s, StageSettings.defaults());
        servers.add(server);
        var a = record.assignment(s);
        await(onContext(v, () -> server.start().compose(x -> server.load(a, o.model(), backend(), kvBudget))));
      }
      service = await(MeshSequenceService.start(gateway, "bench-gw", MeshSettings.defaults()));
      ClusterBootstrap.hazelcast(gateway).<String, String>getMap(MapNames.PIPELINES)
          .put("bench", record.toJson().encode());
      for (int i = 0; i < 400 && service.readyPipelines() == 0; i++) {
        Thread.sleep(25);
      }
    }

    /** Runs one greedy sequence of {@code tokens} per prompt, all at once; returns their timed tokens. */
    List<TimedTokens> run(List<int[]> prompts, int tokens) throws Exception {
      List<TimedTokens> results = new ArrayList<>();
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        TimedTokens t = new TimedTokens();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        SequenceRequest r = new SequenceRequest("bench-" + (nextId++), prompts.get(i),
            SamplingParams.greedy(), tokens, Set.of());
        results.add(t);
        done.add(finished);
        gateway.getOrCreateContext().runOnContext(v -> service.start(r, new SequenceListener() {
          @Override
          public void onToken(GeneratedToken token) {
            t.add(token.tokenId());
          }

          @Override
          public void onFinish(FinishReason reason, int completionTokens) {
            finished.complete(null);
          }

          @Override
          public void onError(SequenceFailure failure) {
            finished.completeExceptionally(new IllegalStateException(failure.kind() + ": " + failure.message()));
          }
        }));
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
      return results;
    }

    @Override
    public void close() throws Exception {
      await(service.close());
      for (StageServer s : servers) {
        await(s.close());
      }
      for (Vertx v : workers) {
        await(v.close());
      }
      await(gateway.close());
    }
  }

  private static <T> Future<T> onContext(Vertx v, Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    v.getOrCreateContext().runOnContext(x -> action.get().onComplete(p));
    return p.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.2f", v);
  }

  /** A human-readable table of the report. */
  public static String table(Report r) {
    StringBuilder b = new StringBuilder();
    b.append("model ").append(r.model()).append(", backend ").append(r.backend()).append(", ")
        .append(r.cores()).append(" cores\n");
    b.append("decode tokens/s, one sequence:\n");
    b.append(String.format(java.util.Locale.ROOT, "  %-12s %10s%n", r.singleProcess().label(), fmt(r.singleProcess().tokensPerSecond())));
    for (Figure f : r.stages()) {
      b.append(String.format(java.util.Locale.ROOT, "  %-12s %10s  %5.1f%% of 1 process%s%n", f.label(), fmt(f.tokensPerSecond()),
          100 * f.tokensPerSecond() / r.singleProcess().tokensPerSecond(), Boolean.FALSE.equals(f.identical()) ? "  TOKENS DIFFER" : ""));
    }
    if (r.concurrent() != null) {
      b.append("aggregate tokens/s on ").append(r.stages().getFirst().label()).append(":\n");
      b.append(String.format(java.util.Locale.ROOT, "  %-12s %10s%n", r.oneSequence().label(), fmt(r.oneSequence().tokensPerSecond())));
      b.append(String.format(java.util.Locale.ROOT, "  %-12s %10s  %.2fx%n", r.concurrent().label(), fmt(r.concurrent().tokensPerSecond()),
          r.concurrent().tokensPerSecond() / r.oneSequence().tokensPerSecond()));
      b.append(String.format(java.util.Locale.ROOT, "  head stage: %.1f sequences per forward, forward time %.0f%% of wall%n",
          r.concurrentMeanBatch(), 100 * r.concurrentComputeShare()));
    }
    return b.toString();
  }
}
