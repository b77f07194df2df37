package dev.brigade.launcher.bench;

import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
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
import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.Stage;
import dev.brigade.scheduler.CheckpointShape;
import dev.brigade.scheduler.plan.AllocatorConfig;
import dev.brigade.scheduler.plan.Capacity;
import dev.brigade.scheduler.plan.PipelineBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Decode throughput of the mesh against one process running the whole model. Every stage is a
 * JVM of its own ({@code brigade bench-stage}, the worker's real data plane) joined over
 * loopback to this JVM, which plays the gateway; the baseline, the whole model in one process,
 * is a JVM of its own too ({@link BaselineProcess}), warmed as long as each pipeline. For
 * each stage count: one sequence through the pipeline against the baseline measured right
 * before it, then {@code concurrency} sequences at once against one. Every figure sums
 * {@code rounds} runs that alternate with their baseline's.
 */
public final class MeshBench {

  /**
   * @param rounds measurements per figure, alternating with the baseline's
   * @param warmupTokens tokens one sequence decodes through each fresh pipeline before it is
   *     measured, so the stages' per-frame code runs compiled, as on a worker that has served a
   *     while
   * @param maxWarmupTokens past {@code warmupTokens}, warming goes on while the JVMs still
   *     compile for more than {@link #JIT_QUIET_SHARE} of the time, up to this many tokens
   * @param backend "cpu" or "scalar"
   * @param inJvm run the stages as clustered Vert.x instances inside this JVM instead of processes
   * @param stageJvmOptions extra JVM options for each stage process ({name} becomes its node id)
   * @param coresPerStage cores of its own for each stage process, the baseline taking the
   *     first stage's: stages then behave like machines of their own; 0 lets every process use
   *     every core
   */
  public record Options(Path model, List<Integer> stageCounts, int promptTokens, int tokens,
      int concurrency, int rounds, int warmupTokens, int maxWarmupTokens, String backend, boolean inJvm,
      List<String> stageJvmOptions, int coresPerStage) {}

  /** Tokens/s of one run, and whether its tokens equal the single-process ones (null: not compared). */
  public record Figure(String label, double tokensPerSecond, Boolean identical) {}

  /**
   * One stage count's figures.
   *
   * @param baseline the single process, measured right before {@code pipeline}
   * @param overheadMicrosPerToken wall time per generated token not spent in a stage's forward
   *     (hops, codecs, sampling, hand-offs), over the one-sequence run
   * @param pingMicros median round trip of a small event-bus request from this JVM to each
   *     stage's event loop, measured right after the run: what the machine's load does to a hop
   * @param oneSequence / @param concurrent aggregate tokens/s of 1 and of {@code concurrency}
   *     sequences started together, from the start to the last token: prefill included (null
   *     when concurrency is 1)
   * @param oneDecode / @param concurrentDecode the same runs' decode phase: tokens that arrive
   *     after every sequence has its first token, over the time from then to the last token
   * @param concurrentMeanBatch sequences per batched forward at each stage during the
   *     concurrent run; @param concurrentComputeShare each stage's forward time over its wall time
   * @param warmupTokens tokens decoded through the pipeline before it was measured
   * @param jitShare compile time of every JVM involved (gateway, stages, baseline) over the wall
   *     time of the one-sequence rounds: near 0 when they ran compiled code only
   * @param stageLayers decoder layers of each stage, head first
   */
  public record StageRun(int stages, List<Integer> stageLayers, Figure baseline, Figure pipeline, double overheadMicrosPerToken,
      double pingMicros, Figure oneSequence, Figure concurrent, Figure oneDecode,
      Figure concurrentDecode, List<Double> concurrentMeanBatch, List<Double> concurrentComputeShare,
      int warmupTokens, double jitShare) {}

  /**
   * @param baselineMode where the single process ran: a JVM of its own, or the benchmark's with --in-jvm
   * @param coresPerStage cores each stage process (and the baseline) was pinned to; 0: not pinned
   * @param stageCores the processors each stage JVM saw (what its compute pool sized itself to)
   */
  public record Report(String model, String backend, int cores, String stageMode, String baselineMode,
      int concurrency, String loadBefore, String loadAfter, int coresPerStage, List<Integer> stageCores,
      List<StageRun> runs) {}

  /**
   * Warming ends once two warm-up rounds in a row (each a pipeline run and a baseline run) spent
   * less than this share of their wall time compiling, summed over the JVMs; compiles come in
   * bursts, and one quiet round was seen followed by measured rounds at 4-6%. With a fixed 512-token
   * warm-up, the stages of a 4-stage 0.6B pipeline were still compiling their forward for
   * another ~2,500 tokens, at ~8% of the machine's CPU, and measured 75-92% of the baseline
   * where a 3,072-token warm-up measured 98% (2 cores).
   */
  static final double JIT_QUIET_SHARE = 0.02;

  /** Round trips to each stage before the first measurement (see {@link Mesh#warmTransport}). */
  private static final int TRANSPORT_WARMUP_ROUND_TRIPS = 3000;

  private final Options o;
  private final ModelConfig config;
  /** The checkpoint's sizes, as the scheduler sees them (for the layer split). */
  private final ModelShape shape;
  private final int[] prompt;
  /** Each stage process's cores, the baseline on the first's; null when not pinned. */
  private final CoreSets coreSets;

  public MeshBench(Options options) {
    this.o = options;
    try (Checkpoint c = Checkpoints.open(options.model())) {
      this.config = c.config();
      this.shape = CheckpointShape.of(c);
    }
    if (options.rounds() < 1) {
      throw new IllegalArgumentException("--rounds " + options.rounds() + ": must be >= 1");
    }
    for (int s : options.stageCounts()) {
      if (s < 1 || s > config.numLayers()) {
        throw new IllegalArgumentException("--stages " + s + ": must be 1.." + config.numLayers()
            + " for a model of " + config.numLayers() + " layers");
      }
    }
    this.prompt = promptOf(0, options.promptTokens());
    this.coreSets = options.coresPerStage() == 0 ? null : coreSets();
  }

  private int maxStages() {
    return o.stageCounts().stream().mapToInt(Integer::intValue).max().orElse(1);
  }

  private CoreSets coreSets() {
    if (o.inJvm()) {
      throw new IllegalArgumentException("--cores-per-stage: needs one JVM per stage, not --in-jvm");
    }
    CoreSets sets = new CoreSets(CoreSets.allowedHere(), o.coresPerStage(), maxStages());
    sets.requireTaskset();
    return sets;
  }

  private int[] promptOf(int salt, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = (int) (((long) (i + 1) * 7919 + salt * 104729L + 13) % Math.min(config.vocabSize(), 150_000));
    }
    return p;
  }

  public Report run() throws Exception {
    String loadBefore = loadAverage();
    int maxStages = maxStages();
    List<StageRun> runs = new ArrayList<>();
    List<Integer> stageCores = new ArrayList<>();
    try (Mesh mesh = new Mesh(maxStages)) {
      for (JsonObject f : mesh.figures(maxStages)) {
        stageCores.add(f.getInteger("cores"));
      }
      // The baseline warms as long as each pipeline does: its JIT state must be as mature.
      mesh.baseline.decode(prompt, o.tokens());
      for (int done = 0; done < o.warmupTokens(); done += o.tokens()) {
        mesh.baseline.decode(promptOf(200 + done, o.promptTokens()), o.tokens());
      }
      mesh.warmTransport(maxStages);
      for (int stages : o.stageCounts()) {
        runs.add(measure(mesh, stages));
      }
    }
    String stageMode = o.inJvm() ? "in one JVM" : "one JVM per stage";
    String baselineMode = o.inJvm() ? "this JVM" : "a JVM of its own";
    if (coreSets != null) {
      stageMode += ", each pinned to " + coreSets.perProcess() + " core(s) of its own";
      baselineMode += " pinned to the first stage's " + coreSets.perProcess() + " core(s)";
    }
    return new Report(config.name(), o.backend(), Runtime.getRuntime().availableProcessors(),
        stageMode, baselineMode, o.concurrency(), loadBefore, loadAverage(), o.coresPerStage(),
        stageCores, runs);
  }

  private StageRun measure(Mesh mesh, int stages) throws Exception {
    mesh.form(stages);
    // Warm-up: each stage JVM is fresh, and its forward runs at full speed only once the JIT
    // has compiled it (the Vector API is slow until then); batches warm more code per second.
    mesh.run(prompts(Math.max(1, o.concurrency()), 50), o.tokens());
    mesh.run(List.of(promptOf(99, o.promptTokens())), o.tokens());
    // Per-frame code (codecs, the stage loop, sends) runs once per token per stage: a few
    // hundred tokens in, it was still being compiled, and a hop cost ~1.1 ms against ~0.65 ms
    // later in the same run (traced on 4 stages, 2 cores).
    int warmed = 0;
    for (; warmed < o.warmupTokens(); warmed += o.tokens()) {
      mesh.run(List.of(promptOf(200 + warmed, o.promptTokens())), o.tokens());
    }
    warmed = warmUntilCompiled(mesh, stages, warmed);
    long jitBefore = mesh.jitMillis(stages);
    long roundsStart = System.nanoTime();
    // Rounds alternate baseline and pipeline, so a change in the machine's load hits both alike.
    Rate base = new Rate();
    Rate pipe = new Rate();
    List<Integer> referenceTokens = null;
    boolean identical = true;
    long wall = 0;
    long compute = 0;
    int generated = 0;
    for (int round = 0; round < o.rounds(); round++) {
      TimedTokens reference = mesh.baseline.decode(prompt, o.tokens());
      base.add(reference);
      referenceTokens = reference.tokens;
      List<JsonObject> before = mesh.figures(stages);
      long t0 = System.nanoTime();
      TimedTokens t = mesh.run(List.of(prompt), o.tokens()).getFirst();
      wall += t.times.getLast() - t0;
      List<JsonObject> after = mesh.figures(stages);
      for (int s = 0; s < stages; s++) {
        compute += after.get(s).getLong("computeNanos") - before.get(s).getLong("computeNanos");
      }
      generated += t.tokens.size();
      pipe.add(t);
      identical &= t.tokens.equals(referenceTokens);
    }
    Figure baseline = new Figure("1 process", base.perSecond(), true);
    Figure pipeline = new Figure(stages + (stages == 1 ? " stage" : " stages"), pipe.perSecond(), identical);
    double jitShare = (mesh.jitMillis(stages) - jitBefore) / ((System.nanoTime() - roundsStart) / 1e6);
    double overhead = (wall - compute) / 1e3 / Math.max(1, generated);
    double ping = mesh.pingMicros(stages);
    if (o.concurrency() <= 1) {
      return new StageRun(stages, mesh.layers, baseline, pipeline, overhead, ping, null, null, null, null,
          List.of(), List.of(), warmed, jitShare);
    }
    Aggregate one = new Aggregate();
    Aggregate many = new Aggregate();
    long[] batches = new long[stages];
    long[] entries = new long[stages];
    long[] busy = new long[stages];
    long manyWall = 0;
    for (int round = 0; round < o.rounds(); round++) {
      long t1 = System.nanoTime();
      one.add(mesh.run(prompts(1, 0), o.tokens()), t1);
      List<JsonObject> before = mesh.figures(stages);
      long t0 = System.nanoTime();
      many.add(mesh.run(prompts(o.concurrency(), 0), o.tokens()), t0);
      manyWall += System.nanoTime() - t0;
      List<JsonObject> after = mesh.figures(stages);
      for (int s = 0; s < stages; s++) {
        batches[s] += after.get(s).getLong("batches") - before.get(s).getLong("batches");
        entries[s] += after.get(s).getLong("entries") - before.get(s).getLong("entries");
        busy[s] += after.get(s).getLong("computeNanos") - before.get(s).getLong("computeNanos");
      }
    }
    List<Double> meanBatch = new ArrayList<>();
    List<Double> computeShare = new ArrayList<>();
    for (int s = 0; s < stages; s++) {
      meanBatch.add((double) entries[s] / Math.max(1, batches[s]));
      computeShare.add(busy[s] / (double) manyWall);
    }
    String label = o.concurrency() + " sequences";
    return new StageRun(stages, mesh.layers, baseline, pipeline, overhead, ping,
        new Figure("1 sequence", one.perSecond(), null), new Figure(label, many.perSecond(), null),
        new Figure("1 sequence", one.decodePerSecond(), null),
        new Figure(label, many.decodePerSecond(), null), meanBatch, computeShare, warmed, jitShare);
  }

  /**
   * Warm-up rounds past the first {@code warmed} tokens, each a pipeline run and a baseline run,
   * until two in a row spend less than {@link #JIT_QUIET_SHARE} of their time compiling or
   * {@code maxWarmupTokens} is reached. Returns the tokens decoded through the pipeline in all.
   */
  private int warmUntilCompiled(Mesh mesh, int stages, int warmed) throws Exception {
    int quietRounds = 0;
    while (warmed < o.maxWarmupTokens() && quietRounds < 2) {
      long jit = mesh.jitMillis(stages);
      long t0 = System.nanoTime();
      mesh.run(List.of(promptOf(200 + warmed, o.promptTokens())), o.tokens());
      mesh.baseline.decode(promptOf(300 + warmed, o.promptTokens()), o.tokens());
      warmed += o.tokens();
      boolean quiet = mesh.jitMillis(stages) - jit < JIT_QUIET_SHARE * (System.nanoTime() - t0) / 1e6;
      quietRounds = quiet ? quietRounds + 1 : 0;
    }
    return warmed;
  }

  private List<int[]> prompts(int n, int salt) {
    List<int[]> prompts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      prompts.add(promptOf(salt + i + 1, o.promptTokens()));
    }
    return prompts;
  }

  /** Decode tokens and seconds summed over runs. */
  private static final class Rate {
    private long tokens;
    private long nanos;

    void add(TimedTokens t) {
      if (t.tokens.size() >= 2) {
        tokens += t.tokens.size() - 1;
        nanos += t.times.getLast() - t.times.getFirst();
      }
    }

    double perSecond() {
      return nanos == 0 ? 0 : tokens / (nanos / 1e9);
    }
  }

  /** Sequences started together, summed over runs: end to end and in their decode phase. */
  private static final class Aggregate {
    private long tokens;
    private long nanos;
    private long decodeTokens;
    private long decodeNanos;

    /** @param runs every sequence of one run, started at {@code start} */
    void add(List<TimedTokens> runs, long start) {
      long end = runs.stream().mapToLong(r -> r.times.getLast()).max().orElseThrow();
      // the decode phase starts when the last sequence has its first token
      long allStarted = runs.stream().mapToLong(r -> r.times.getFirst()).max().orElseThrow();
      tokens += runs.stream().mapToInt(r -> r.tokens.size()).sum();
      nanos += end - start;
      for (TimedTokens r : runs) {
        decodeTokens += r.times.stream().filter(t -> t > allStarted).count();
      }
      decodeNanos += end - allStarted;
    }

    double perSecond() {
      return nanos == 0 ? 0 : tokens / (nanos / 1e9);
    }

    double decodePerSecond() {
      return decodeNanos == 0 ? 0 : decodeTokens / (decodeNanos / 1e9);
    }
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg has them ("" elsewhere). */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "";
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

  /**
   * This JVM as the gateway (first cluster member) and {@code maxStages} stage nodes joined to
   * it: processes, or clustered Vert.x instances here with {@code --in-jvm}. Each stage count
   * reloads the first N nodes with the scheduler's split of the layers as pipeline "bench-N".
   */
  private final class Mesh implements AutoCloseable {
    private final String cluster = "bench-" + UUID.randomUUID();
    private final Vertx gateway;
    private final List<String> nodes = new ArrayList<>();
    private final List<Vertx> inJvmNodes = new ArrayList<>();
    private final List<BenchStage> inJvmStages = new ArrayList<>();
    private StageProcesses processes;
    /** One process running the whole model: a JVM of its own, or this one with --in-jvm. */
    Baseline baseline;
    private MeshSequenceService service;
    private String pipelineId;
    private int nextId;
    /** Decoder layers of each stage of the pipeline formed last, head first. */
    List<Integer> layers = List.of();

    Mesh(int maxStages) throws Exception {
      int port = ThreadLocalRandom.current().nextInt(20_000, 50_000);
      gateway = await(ClusterBootstrap.start(ClusterOptions.local("gateway", "bench-gw")
          .withClusterName(cluster).withPort(port)));
      try {
        port = ClusterBootstrap.hazelcast(gateway).getCluster().getLocalMember().getAddress().getPort();
        int maxPositions = Math.min(config.maxPositionEmbeddings(), o.promptTokens() + o.tokens() + 16);
        if (o.inJvm()) {
          startInJvm(maxStages, port);
          baseline = new WholeModel(o.model(), o.backend(), maxPositions);
        } else {
          startProcesses(maxStages, port);
          baseline = new BaselineProcess(processes, List.of("--model", o.model().toString(),
              "--backend", o.backend(), "--max-positions", String.valueOf(maxPositions)));
        }
        service = await(MeshSequenceService.start(gateway, "bench-gw", MeshSettings.defaults()));
      } catch (Exception e) {
        close();
        throw e;
      }
    }

    private void startProcesses(int maxStages, int port) throws Exception {
      Path logs = Files.createTempDirectory("brigade-bench-mesh-");
      processes = new StageProcesses(logs, "dev.brigade.launcher.Brigade", o.stageJvmOptions(), coreSets);
      List<Process> started = new ArrayList<>();
      for (int s = 0; s < maxStages; s++) {
        String id = "bench-w" + s;
        nodes.add(id);
        started.add(processes.start(id, s, List.of("--id", id, "--model", o.model().toString(),
            "--backend", o.backend(), "--cluster-name", cluster, "--port", String.valueOf(port + 1 + 3 * s),
            "--join", "127.0.0.1:" + port)));
      }
      for (int s = 0; s < maxStages; s++) {
        processes.awaitReady(nodes.get(s), started.get(s), "bench-stage ready " + nodes.get(s));
      }
    }

    private void startInJvm(int maxStages, int port) throws Exception {
      for (int s = 0; s < maxStages; s++) {
        String id = "bench-w" + s;
        nodes.add(id);
        Vertx v = await(ClusterBootstrap.start(ClusterOptions.local("worker", id)
            .withClusterName(cluster).withPort(port + 1 + 3 * s).withMembers(List.of("127.0.0.1:" + port))));
        inJvmNodes.add(v);
        inJvmStages.add(await(onContext(v, () -> BenchStage.start(v, id, o.model(), o.backend()))));
      }
    }

    /**
     * Layers per stage as the scheduler splits them over identical nodes: equal time per token,
     * the tail's lm_head counted as the layers' worth of weights it reads (for the 0.6B shape
     * 19 + 9 layers over 2 stages, 9 + 9 + 9 + 1 over 4).
     */
    private int[] layerSplit(int stages) {
      List<NodeSpec> identical = new ArrayList<>();
      for (int s = 0; s < stages; s++) {
        identical.add(NodeSpec.of("n" + s, 1L << 50, 1e-3));
      }
      PipelineSpec p = new PipelineBuilder(new Capacity(shape, AllocatorConfig.DEFAULT), AllocatorConfig.DEFAULT)
          .build("split", identical, dev.brigade.protocol.plan.PipelineState.LOADING);
      return p.stages().stream().mapToInt(Stage::layers).toArray();
    }

    /**
     * Loads the scheduler's split of the layers ({@link #layerSplit}) onto the first {@code
     * stages} nodes and publishes it as the only pipeline.
     */
    void form(int stages) throws Exception {
      var pipelines = ClusterBootstrap.hazelcast(gateway).<String, String>getMap(MapNames.PIPELINES);
      if (pipelineId != null) {
        pipelines.remove(pipelineId);
        waitFor(() -> service.readyPipelines() == 0, "the previous pipeline to leave the table");
      }
      for (String node : nodes) {
        await(control(node, new JsonObject().put("op", "unload")));
      }
      int layers = config.numLayers();
      int[] split = layerSplit(stages);
      this.layers = java.util.Arrays.stream(split).boxed().toList();
      List<PipelineRecord.Stage> st = new ArrayList<>();
      for (int s = 0, start = 0; s < stages; start += split[s], s++) {
        st.add(new PipelineRecord.Stage(nodes.get(s), start, start + split[s], 1e-3, true));
      }
      pipelineId = "bench-" + stages;
      PipelineRecord record = new PipelineRecord(pipelineId, PipelineState.READY, 1, layers, st);
      // room for every concurrent sequence's context in each stage's KV cache
      long kvBytes = 4L * config.numKvHeads() * config.headDim() * layers
          * ((long) Math.max(1, o.concurrency()) * (o.promptTokens() + o.tokens() + 32));
      for (int s = 0; s < stages; s++) {
        await(control(nodes.get(s), new JsonObject().put("op", "load")
            .put("assignment", record.assignment(s).toJson()).put("kvBytes", kvBytes)));
      }
      pipelines.put(pipelineId, record.toJson().encode());
      waitFor(() -> service.readyPipelines() == 1, "pipeline " + pipelineId + " to be routable");
    }

    /** Compile milliseconds so far, summed over this JVM, the first {@code stages} stages' and the baseline's. */
    long jitMillis(int stages) throws Exception {
      if (o.inJvm()) {
        return JitClock.millis(); // stages and baseline run here
      }
      long sum = JitClock.millis() + baseline.jitMillis();
      for (JsonObject f : figures(stages)) {
        sum += f.getLong("jitMillis");
      }
      return sum;
    }

    /** Each of the first {@code stages} nodes' counters. */
    List<JsonObject> figures(int stages) throws Exception {
      List<JsonObject> out = new ArrayList<>();
      for (int s = 0; s < stages; s++) {
        out.add(await(control(nodes.get(s), new JsonObject().put("op", "figures"))));
      }
      return out;
    }

    /**
     * Event-bus round trips to every stage until its transport code is compiled, as on a
     * worker that has been serving for a while. A stage forwards one message per forward, so
     * the data warm-up alone (a few hundred messages) leaves Vert.x and Netty's receive and
     * send paths partly interpreted: a hop was measured at 1.1-1.6 ms then, against ~0.4 ms
     * after a few thousand messages.
     */
    void warmTransport(int stages) throws Exception {
      for (int i = 0; i < TRANSPORT_WARMUP_ROUND_TRIPS; i++) {
        List<Future<JsonObject>> all = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
          all.add(control(nodes.get(s), new JsonObject().put("op", "figures")));
        }
        await(Future.all(all));
      }
    }

    /** Median round trip of a figures request to the first {@code stages} nodes, 20 each, one at a time. */
    double pingMicros(int stages) throws Exception {
      List<Long> rtt = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        for (int s = 0; s < stages; s++) {
          long t0 = System.nanoTime();
          await(control(nodes.get(s), new JsonObject().put("op", "figures")));
          rtt.add(System.nanoTime() - t0);
        }
      }
      rtt.sort(null);
      return rtt.get(rtt.size() / 2) / 1e3;
    }

    private Future<JsonObject> control(String node, JsonObject body) {
      return onContext(gateway, () -> gateway.eventBus()
          .<JsonObject>request(BenchStage.controlAddress(node), body, new DeliveryOptions().setSendTimeout(600_000))
          .map(m -> m.body()));
    }

    /** Runs one greedy sequence of {@code tokens} per prompt, all at once; returns their timed tokens. */
    List<TimedTokens> run(List<int[]> prompts, int tokens) throws Exception {
      List<TimedTokens> results = new ArrayList<>();
      List<CompletableFuture<Void>> done = new ArrayList<>();
      List<SequenceRequest> requests = new ArrayList<>();
      List<SequenceListener> listeners = new ArrayList<>();
      for (int[] p : prompts) {
        TimedTokens t = new TimedTokens();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        results.add(t);
        done.add(finished);
        requests.add(new SequenceRequest("bench-" + (nextId++), p, SamplingParams.greedy(), tokens, Set.of()));
        listeners.add(new SequenceListener() {
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
        });
      }
      // all started in one event-loop turn, so they reach the head together
      gateway.getOrCreateContext().runOnContext(v -> {
        for (int i = 0; i < requests.size(); i++) {
          service.start(requests.get(i), listeners.get(i));
        }
      });
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
      return results;
    }

    @Override
    public void close() throws Exception {
      try {
        if (service != null) {
          await(service.close());
        }
        for (BenchStage s : inJvmStages) {
          await(s.close());
        }
        for (Vertx v : inJvmNodes) {
          await(v.close());
        }
        if (baseline != null) {
          baseline.close();
        }
      } finally {
        if (processes != null) {
          processes.close();
        }
        await(gateway.close());
      }
    }
  }

  private static void waitFor(Supplier<Boolean> condition, String what) throws InterruptedException {
    for (int i = 0; i < 2400; i++) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(25);
    }
    throw new IllegalStateException("timed out waiting for " + what);
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
    java.util.Locale l = java.util.Locale.ROOT;
    b.append("model ").append(r.model()).append(", backend ").append(r.backend()).append(", ")
        .append(r.cores()).append(" cores, stages ").append(r.stageMode());
    if (r.coresPerStage() > 0) {
      b.append(" (processors each stage JVM saw: ").append(r.stageCores()).append(')');
    }
    b.append('\n');
    b.append("load average before ").append(r.loadBefore()).append(", after ").append(r.loadAfter()).append('\n');
    b.append("decode tokens/s, one sequence (baseline: the whole model in ").append(r.baselineMode())
        .append(", warmed as long as each pipeline, measured just before):\n");
    for (StageRun s : r.runs()) {
      b.append(String.format(l, "  %-10s %9s  vs %9s  %6.1f%%  %7.0f us/token outside forward, ping %5.0f us,"
              + " warmed %d tokens, compiling %.1f%% of the time, layers %s%s%n",
          s.pipeline().label(), fmt(s.pipeline().tokensPerSecond()), fmt(s.baseline().tokensPerSecond()),
          100 * s.pipeline().tokensPerSecond() / s.baseline().tokensPerSecond(), s.overheadMicrosPerToken(),
          s.pingMicros(), s.warmupTokens(), 100 * s.jitShare(),
          s.stageLayers().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("+")),
          Boolean.FALSE.equals(s.pipeline().identical()) ? "  TOKENS DIFFER" : ""));
    }
    if (r.concurrency() > 1) {
      b.append("aggregate tokens/s, ").append(r.concurrency()).append(" sequences against 1, from the start"
          + " (prefill included) and in the decode phase (once every sequence has its first token):\n");
      for (StageRun s : r.runs()) {
        StringBuilder batches = new StringBuilder();
        for (int i = 0; i < s.concurrentMeanBatch().size(); i++) {
          batches.append(String.format(l, "%s%.1f/%.0f%%", i == 0 ? "" : " ", s.concurrentMeanBatch().get(i),
              100 * s.concurrentComputeShare().get(i)));
        }
        b.append(String.format(l, "  %-10s %9s  vs %9s  %5.2fx  decode phase %9s  vs %9s  %5.2fx"
                + "  per stage: seqs per forward/forward share %s%n",
            s.pipeline().label(), fmt(s.concurrent().tokensPerSecond()), fmt(s.oneSequence().tokensPerSecond()),
            s.concurrent().tokensPerSecond() / s.oneSequence().tokensPerSecond(),
            fmt(s.concurrentDecode().tokensPerSecond()), fmt(s.oneDecode().tokensPerSecond()),
            s.concurrentDecode().tokensPerSecond() / s.oneDecode().tokensPerSecond(), batches));
      }
    }
    return b.toString();
  }
}
