package dev.brigade.scheduler.simulation;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.Qwen3Shapes;
import dev.brigade.protocol.plan.Stage;
import dev.brigade.protocol.routing.Lease;
import dev.brigade.protocol.routing.Router;
import dev.brigade.protocol.routing.RoutingIndex;
import dev.brigade.scheduler.plan.Allocator;
import dev.brigade.scheduler.plan.AllocatorConfig;
import dev.brigade.scheduler.plan.Fleet;
import dev.brigade.scheduler.plan.Repairer;
import dev.brigade.scheduler.plan.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event simulation of one scheduling policy over a churning fleet, driving the
 * real {@link Allocator}, {@link Repairer}, {@link Fleet} and {@link RoutingIndex}/{@link
 * Router}. Node churn and requests come from two random streams seeded from the config, so
 * both policies see exactly the same joins, leaves and requests.
 *
 * <ul>
 *   <li>OURS: allocation with the throughput search; a loss is repaired from standby, and a
 *       pipeline still broken after {@link SimConfig#repairWaitSeconds} is dissolved so its
 *       survivors can repair or form others;
 *       requests go to the lowest expected latency under the KV-read roofline model ({@link
 *       Router#kvReads}); a broken stream resumes on another pipeline from prompt + generated
 *       tokens.
 *   <li>BASELINE (Parallax-like): allocation by the k^2/stages rule; a loss dissolves the
 *       whole pipeline (its nodes return to standby and re-form pipelines when they can);
 *       round-robin routing; a request is retried only if it had not started streaming.
 * </ul>
 *
 * Simplifications: prefill is a delay before decoding and does not slow other sequences;
 * queued requests are served first come, first served; a lost node stalls its pipeline at
 * once and everyone acts on it {@code detectSeconds} later.
 */
public final class Simulation {
  public enum Policy {
    OURS,
    BASELINE
  }

  private static final int ARRIVAL = 0, JOIN = 1, LEAVE = 2, DETECT = 3, PREFILL = 4, READY = 6, SAMPLE = 7,
      GIVE_UP = 8;
  /** Round-robin looks at most this many pipelines in turn for one with room. */
  private static final int ROUND_ROBIN_LOOKS = 64;

  private static final class Event {
    final double time;
    final long seq;
    final int type;
    final Object ref;
    final int version;

    Event(double time, long seq, int type, Object ref, int version) {
      this.time = time;
      this.seq = seq;
      this.type = type;
      this.ref = ref;
      this.version = version;
    }
  }

  private final SimConfig config;
  private final Policy policy;
  private final ModelShape shape;
  /** Community serving with a latency target: no pipeline slower than 4 tokens/s at batch 1. */
  static final AllocatorConfig ALLOCATOR = AllocatorConfig.DEFAULT.withMaxTokenSeconds(0.25);

  private final AllocatorConfig allocatorConfig = ALLOCATOR;
  private final SplittableRandom churn;
  private final SplittableRandom traffic;
  private static final java.util.Comparator<Event> BY_TIME =
      (a, b) -> a.time != b.time ? Double.compare(a.time, b.time) : Long.compare(a.seq, b.seq);
  /** Request events (many, short-lived) and fleet events (few, far ahead) in separate heaps. */
  private final PriorityQueue<Event> events = new PriorityQueue<>(BY_TIME);
  private final PriorityQueue<Event> fleetEvents = new PriorityQueue<>(BY_TIME);
  private long eventSeq;
  private final RunHeap finishes = new RunHeap();
  private final double end;

  private Fleet fleet;
  /** Ours routes by the KV-read roofline model; the baseline uses the index only to count room. */
  private final RoutingIndex index;
  private final Map<String, PipelineRun> runs = new HashMap<>();
  private final Map<String, Integer> loadGeneration = new HashMap<>();
  private final java.util.Set<String> leftNodes = new java.util.HashSet<>();
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  private final List<String> roundRobin = new ArrayList<>();
  private final Map<String, Integer> roundRobinSlot = new HashMap<>();
  private int roundRobinCursor;

  // Figures.
  private long nextNodeId, nextRequestId, requests, completed, completedAfterFailover, failedMidStream, refused;
  private long nodeLosses, nodeJoins, outputTokens, intervalTokens, allocatorEvents;
  /** Sum of the online nodes' shares of the fleet's upper bound (see {@link FleetBound}). */
  private double boundOnline;
  /** The same for the batch-1 bandwidth bound ({@link FleetBound#batchOneTokensPerSecond}). */
  private double bandwidthBoundOnline;
  private double qps, initialAllocationSeconds;
  private final FleetBound fleetBound;
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private final Histogram ttft = new Histogram(), itl = new Histogram(), repair = new Histogram();
  /** Scheduler calls per event: this thread's CPU time, and wall time (which includes waiting for a core and GC). */
  private final Histogram allocator = new Histogram(), allocatorWall = new Histogram();
  private final Map<String, Double> lossTime = new HashMap<>();
  /** Ours: when each pipeline now waiting broken broke (the first loss it could not repair). */
  private final Map<String, Double> brokenSince = new HashMap<>();
  private final ArrayDeque<Double> pendingLosses = new ArrayDeque<>();
  /**
   * Ours: losses of pipelines given up on, by the pipeline their survivors went on to repair or
   * form; the lost capacity is back when that pipeline is ready.
   */
  private final Map<String, List<Double>> inheritedLosses = new HashMap<>();
  private final List<double[]> samples = new ArrayList<>();

  public Simulation(SimConfig config, Policy policy) {
    this.config = config;
    this.policy = policy;
    this.shape = Qwen3Shapes.preset(config.preset());
    this.churn = new SplittableRandom(config.seed());
    this.traffic = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 1);
    this.end = config.durationSeconds();
    this.fleetBound = new FleetBound(shape);
    this.index = new RoutingIndex(Router.kvReads(shape.kvBytesPerTokenPerLayer(), shape.layerWeightBytes()));
  }

  public SimResult run() {
    long wallStart = System.nanoTime();
    startFleet();
    qps = config.qps() > 0 ? config.qps() : autoQps(boundOnline);
    if (qps > 0) push(Workload.exponential(traffic, qps), ARRIVAL, null, 0);
    if (config.churnPerHour() > 0 && config.nodes() > 0)
      push(Workload.exponential(churn, joinRate()), JOIN, null, 0);
    push(config.sampleSeconds(), SAMPLE, null, 0);
    for (SimConfig.ScriptedLeave leave : config.scriptedLeaves())
      if (leave.atSeconds() <= end) push(leave.atSeconds(), LEAVE, leave.nodeId(), 0);

    while (true) {
      Event e = events.peek();
      Event f = fleetEvents.peek();
      if (f != null && (e == null || BY_TIME.compare(f, e) < 0)) e = f;
      PipelineRun due = finishes.peek();
      if (due != null && (e == null || due.nextFinish < e.time)) {
        if (due.nextFinish > end) break;
        finishDue(due, due.nextFinish);
        continue;
      }
      if (e == null || e.time > end) break;
      (e == f ? fleetEvents : events).poll();
      double t = e.time;
      switch (e.type) {
        case ARRIVAL -> arrival(t);
        case JOIN -> join(t);
        case LEAVE -> leave((String) e.ref, t);
        case DETECT -> detect((String) e.ref, t);
        case PREFILL -> prefillDone((Request) e.ref, e.version, t);
        case READY -> ready((PipelineRun) e.ref, e.version, t);
        case SAMPLE -> sample(t);
        case GIVE_UP -> giveUp((String) e.ref, t);
        default -> throw new IllegalStateException("unknown event " + e.type);
      }
    }
    return result((System.nanoTime() - wallStart) / 1e9);
  }

  /**
   * --qps auto offers output tokens at this share of the fleet's upper bound: a sixth of what
   * the shipped mix serves when saturated (about 60% of the bound), so ours fills its fastest
   * pipelines' KV caches and round-robin loads every pipeline, while a 24-hour run of 10,000
   * nodes stays within minutes. At 0.3 a 1,000-node fleet saturates after about two hours.
   */
  static final double AUTO_LOAD = 0.1;

  static double autoQps(double boundTokensPerSecond) {
    return AUTO_LOAD * boundTokensPerSecond / Workload.meanOutput();
  }

  // ---- fleet ----

  private double joinRate() {
    return config.nodes() * config.churnPerHour() / 3600.0;
  }

  private double meanSessionSeconds() {
    return 3600.0 / config.churnPerHour();
  }

  private NodeSpec newNode(double now, boolean initial) {
    GpuType type = config.mix().draw(churn);
    Geography.Region region = Geography.draw(churn);
    double lat = region.latitude() + Geography.jitter(churn);
    double lon = region.longitude() + Geography.jitter(churn);
    double usable = type.memoryGb() * 1e9 * (type.cpuOnly() ? 0.75 : 0.90);
    double bandwidth = type.bandwidthGbs() * 1e9;
    double flops = type.tflops() * 1e12;
    double layerSeconds = Math.max(shape.layerWeightBytes() / bandwidth, shape.flopsPerTokenPerLayer() / flops);
    NodeSpec node = new NodeSpec("n" + nextNodeId++, (long) usable, layerSeconds, bandwidth, flops, region.name(), lat, lon);
    if (config.churnPerHour() > 0) {
      double session = initial ? Workload.residualSession(churn, meanSessionSeconds()) : Workload.session(churn, meanSessionSeconds());
      if (now + session <= end) push(now + session, LEAVE, node.nodeId(), 0);
    }
    boundOnline += fleetBound.tokensPerSecond(node);
    bandwidthBoundOnline += fleetBound.batchOneTokensPerSecond(node);
    return node;
  }

  private void startFleet() {
    List<NodeSpec> nodes = new ArrayList<>(config.nodes());
    for (int i = 0; i < config.nodes(); i++) nodes.add(newNode(0, true));
    List<Transition> formed = new ArrayList<>();
    long t0 = startTiming();
    fleet = Fleet.allocate(shape, allocatorConfig, nodes,
        policy == Policy.OURS ? Allocator.KRule.BEST : Allocator.KRule.PARALLAX, formed);
    initialAllocationSeconds = (System.nanoTime() - t0) / 1e9;
    timed(t0);
    // The window opens on a fleet that was already serving: its pipelines are loaded.
    for (Transition t : formed) {
      PipelineRun run = new PipelineRun(t.pipeline(), shape, fleet::node, allocatorConfig.linkBytesPerSecond(), 0);
      runs.put(run.id, run);
      loadGeneration.put(run.id, 0);
      markReady(run, 0);
    }
  }

  private void join(double t) {
    NodeSpec node = newNode(t, false);
    nodeJoins++;
    long t0 = startTiming();
    List<Transition> ts;
    if (policy == Policy.OURS) {
      ts = Repairer.join(fleet, node);
    } else {
      fleet.addStandby(node);
      ts = fleet.formFromStandby(node.region());
    }
    timed(t0);
    apply(ts, t);
    push(t + Workload.exponential(churn, joinRate()), JOIN, null, 0);
  }

  /** The node is gone: its pipeline stops producing tokens now; everyone notices later. */
  private void leave(String nodeId, double t) {
    NodeSpec node = fleet.node(nodeId);
    if (node == null || !leftNodes.add(nodeId)) return; // already gone
    boundOnline -= fleetBound.tokensPerSecond(node);
    bandwidthBoundOnline -= fleetBound.batchOneTokensPerSecond(node);
    nodeLosses++;
    String pipelineId = fleet.pipelineOf(nodeId);
    if (pipelineId != null) {
      PipelineRun run = runs.get(pipelineId);
      run.advance(t);
      run.frozen = true;
      finishes.remove(run);
      lossTime.putIfAbsent(pipelineId, t);
    }
    push(t + config.detectSeconds(), DETECT, nodeId, 0);
  }

  private void detect(String nodeId, double t) {
    String pipelineId = fleet.pipelineOf(nodeId);
    PipelineRun run = pipelineId == null ? null : runs.get(pipelineId);
    long t0 = startTiming();
    List<Transition> ts = new ArrayList<>();
    if (policy == Policy.OURS) {
      ts = Repairer.leave(fleet, nodeId);
    } else {
      String broken = fleet.removeNode(nodeId);
      if (broken != null) {
        ts.add(fleet.dissolve(broken));
        ts.addAll(fleet.formFromStandby(""));
      }
    }
    timed(t0);
    List<Request> displaced = new ArrayList<>();
    if (run != null) {
      finishes.remove(run);
      index.remove(run.id);
      unlistRoundRobin(run.id);
      run.ready = false;
      for (Request r : new ArrayList<>(run.members)) {
        r.generated += run.decodedSoFar(r);
        index.release(r.lease);
        r.lease = null;
        run.removeMember(r);
        displaced.add(r);
      }
    }
    apply(ts, t);
    for (Request r : displaced) displace(r, t);
    admit(t);
  }

  /** Ours: a pipeline still broken after {@code repairWaitSeconds} is dissolved (see {@link Repairer#giveUp}). */
  private void giveUp(String pipelineId, double t) {
    Double since = brokenSince.get(pipelineId);
    if (since == null || t - since < config.repairWaitSeconds() - 1e-9) return; // repaired, or broke again since
    long t0 = startTiming();
    List<Transition> ts = Repairer.giveUp(fleet, pipelineId);
    timed(t0);
    // The loss is repaired when the survivors serve again: in the first pipeline they load into.
    Double lost = ts.isEmpty() ? null : lossTime.remove(pipelineId);
    if (lost != null) {
      List<String> freed = ts.getFirst().freedNodes();
      String heir = ts.stream().skip(1).filter(tr -> tr.loadNodes().stream().anyMatch(freed::contains))
          .map(tr -> tr.pipeline().id()).findFirst().orElse(null);
      if (heir == null) pendingLosses.add(lost);
      else inheritedLosses.computeIfAbsent(heir, id -> new ArrayList<>()).add(lost);
    }
    apply(ts, t);
    admit(t);
  }

  /** A request whose pipeline broke: resume (ours) or retry only if nothing was streamed yet. */
  private void displace(Request r, double t) {
    if (r.generated >= r.output) {
      finished(r, t);
      return;
    }
    if (r.streaming()) {
      if (policy == Policy.BASELINE) {
        failedMidStream++;
        return;
      }
      r.failovers++;
    }
    route(r, t);
  }

  private void apply(List<Transition> ts, double t) {
    for (Transition tr : ts) {
      PipelineSpec p = tr.pipeline();
      switch (tr.kind()) {
        case FORM -> {
          PipelineRun run = new PipelineRun(p, shape, fleet::node, allocatorConfig.linkBytesPerSecond(), t);
          runs.put(p.id(), run);
          index.put(p);
          scheduleReady(run, tr.loadNodes(), t);
        }
        case REPAIR -> {
          brokenSince.remove(p.id());
          PipelineRun run = runs.get(p.id());
          run.reshape(p, shape, fleet::node, allocatorConfig.linkBytesPerSecond());
          run.ready = false;
          index.put(p);
          scheduleReady(run, tr.loadNodes(), t);
        }
        case BREAK -> {
          index.put(p);
          if (policy == Policy.OURS && brokenSince.putIfAbsent(p.id(), t) == null) {
            push(t + config.repairWaitSeconds(), GIVE_UP, p.id(), 0);
          }
        }
        case DISSOLVE -> {
          brokenSince.remove(p.id());
          PipelineRun gone = runs.remove(p.id());
          if (gone != null) finishes.remove(gone);
          index.remove(p.id());
          unlistRoundRobin(p.id());
          loadGeneration.remove(p.id());
          Double lost = lossTime.remove(p.id());
          if (lost != null) pendingLosses.add(lost);
          List<Double> inherited = inheritedLosses.remove(p.id());
          if (inherited != null) pendingLosses.addAll(inherited);
        }
        case DRAIN -> index.put(p);
      }
    }
  }

  private void scheduleReady(PipelineRun run, List<String> loadNodes, double t) {
    double seconds = 0;
    int n = run.spec.stages().size();
    for (int i = 0; i < n; i++) {
      Stage s = run.spec.stages().get(i);
      if (!loadNodes.contains(s.nodeId())) continue;
      double bytes = (double) s.layers() * shape.layerWeightBytes()
          + (i == 0 ? shape.embeddingBytes() : 0) + (i == n - 1 ? shape.headBytes() : 0);
      seconds = Math.max(seconds, bytes / config.diskBytesPerSecond());
    }
    int generation = loadGeneration.merge(run.id, 1, Integer::sum);
    push(t + seconds + config.loadOverheadSeconds(), READY, run, generation);
  }

  private void ready(PipelineRun run, int generation, double t) {
    if (runs.get(run.id) != run || loadGeneration.get(run.id) != generation) return;
    if (fleet.pipeline(run.id) == null) return;
    markReady(run, t);
    for (double inherited : inheritedLosses.getOrDefault(run.id, List.of())) repair.add(t - inherited);
    inheritedLosses.remove(run.id);
    Double lost = lossTime.remove(run.id);
    if (lost != null) {
      repair.add(t - lost);
    } else if (!pendingLosses.isEmpty()) {
      // A dissolved pipeline (the baseline's at once, ours after waiting broken too long)
      // counts as repaired when the next new pipeline is ready.
      repair.add(t - pendingLosses.poll());
    }
    admit(t);
  }

  private void markReady(PipelineRun run, double t) {
    PipelineSpec p = fleet.markReady(run.id);
    run.spec = p;
    run.ready = true;
    run.frozen = false;
    run.advance(t);
    index.put(p);
    if (!roundRobinSlot.containsKey(run.id)) {
      roundRobinSlot.put(run.id, roundRobin.size());
      roundRobin.add(run.id);
    }
  }

  private void unlistRoundRobin(String id) {
    Integer slot = roundRobinSlot.remove(id);
    if (slot == null) return;
    String last = roundRobin.removeLast();
    if (!last.equals(id)) {
      roundRobin.set(slot, last);
      roundRobinSlot.put(last, slot);
    }
  }

  private long cpuStart;

  /** Clock readings around one scheduler call: wall time and this thread's CPU time. */
  private long startTiming() {
    cpuStart = THREADS.getCurrentThreadCpuTime();
    return System.nanoTime();
  }

  private void timed(long startNanos) {
    allocatorWall.add((System.nanoTime() - startNanos) / 1e9);
    allocator.add(Math.max(1, THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9);
    allocatorEvents++;
  }

  // ---- requests ----

  private void arrival(double t) {
    push(t + Workload.exponential(traffic, qps), ARRIVAL, null, 0);
    Request r = new Request(nextRequestId++, t, Workload.prompt(traffic), Workload.output(traffic));
    requests++;
    if (fleet.pipelines().isEmpty()) {
      refused++; // no pipeline at all: refused at once, never queued
      return;
    }
    route(r, t);
  }

  private void route(Request r, double t) {
    Lease lease = lease(r.tokens());
    if (lease == null) {
      r.queuedAt = t;
      queue.add(r);
    } else {
      start(r, lease, t);
    }
  }

  private Lease lease(long tokens) {
    if (policy == Policy.OURS) return index.acquire(tokens).orElse(null);
    int size = roundRobin.size();
    for (int look = 0; look < Math.min(size, ROUND_ROBIN_LOOKS); look++) {
      String id = roundRobin.get(Math.floorMod(roundRobinCursor++, size));
      if (index.hasRoom(id, tokens)) return index.acquireOn(id, tokens);
    }
    return null;
  }

  private void start(Request r, Lease lease, double t) {
    PipelineRun run = runs.get(lease.pipelineId());
    r.lease = lease;
    run.addMember(r);
    push(t + run.prefillSeconds(r.prompt + r.generated), PREFILL, r, r.epoch);
  }

  private void prefillDone(Request r, int epoch, double t) {
    if (r.epoch != epoch || r.run == null) return;
    PipelineRun run = r.run;
    if (run.frozen) return; // the pipeline broke under it; handled when the loss is noticed
    run.advance(t);
    r.generated++;
    if (Double.isNaN(r.firstTokenAt)) {
      r.firstTokenAt = t;
      ttft.add(t - r.arrival);
    }
    if (r.generated >= r.output) {
      run.removeMember(r);
      releaseAndFinish(r, t);
      return;
    }
    run.startDecoding(r, r.output - r.generated);
    reschedule(run, t);
  }

  private void finishDue(PipelineRun run, double t) {
    run.advance(t);
    Request r;
    while ((r = run.pollFinished()) != null) {
      r.generated = r.output;
      run.removeMember(r);
      releaseAndFinish(r, t);
    }
    reschedule(run, t);
    admit(t);
  }

  private void releaseAndFinish(Request r, double t) {
    index.release(r.lease);
    r.lease = null;
    finished(r, t);
  }

  private void finished(Request r, double t) {
    completed++;
    if (r.failovers > 0) completedAfterFailover++;
    outputTokens += r.output;
    intervalTokens += r.output;
    if (r.output > 1) itl.add((t - r.firstTokenAt) / (r.output - 1));
  }

  private void reschedule(PipelineRun run, double t) {
    finishes.update(run, t + run.secondsToNextFinish());
  }

  /** A queued request that does not fit yet lets up to this many behind it go first... */
  private static final int QUEUE_LOOKS = 32;
  /** ...until it has waited this long; then nothing passes it, so pipelines drain for it. */
  private static final double PASSING_SECONDS = 5;

  /**
   * Starts queued requests, oldest first, while pipelines have room; one that does not fit
   * yet does not hold up the next {@value #QUEUE_LOOKS} for its first {@value
   * #PASSING_SECONDS} s of waiting. Fails those that waited too long.
   */
  private void admit(double t) {
    while (!queue.isEmpty() && t - queue.peek().queuedAt > config.queueTimeoutSeconds()) {
      Request r = queue.poll();
      if (r.streaming()) failedMidStream++;
      else refused++;
    }
    boolean passing = !queue.isEmpty() && t - queue.peek().queuedAt < PASSING_SECONDS;
    int looks = 0;
    java.util.Iterator<Request> it = queue.iterator();
    while (it.hasNext() && looks++ < (passing ? QUEUE_LOOKS : 1)) {
      Request r = it.next();
      Lease lease = lease(r.tokens());
      if (lease == null) continue;
      it.remove();
      start(r, lease, t);
      looks = 0; // room was found: keep going from the (new) front
      it = queue.iterator();
      passing = !queue.isEmpty() && t - queue.peek().queuedAt < PASSING_SECONDS;
    }
  }

  private void sample(double t) {
    admit(t);
    samples.add(new double[] {
        t / 3600, intervalTokens / config.sampleSeconds(), index.readyCount(), fleet.nodeCount(),
        boundOnline, bandwidthBoundOnline});
    intervalTokens = 0;
    push(t + config.sampleSeconds(), SAMPLE, null, 0);
  }

  private void push(double time, int type, Object ref, int version) {
    Event e = new Event(time, eventSeq++, type, ref, version);
    (type == ARRIVAL || type == PREFILL ? events : fleetEvents).add(e);
  }

  private SimResult result(double wallSeconds) {
    // Losses still unrepaired when the window closes count with the time until then (a lower
    // bound), for both policies alike, so the slowest repairs are not left out of the tail.
    for (double lost : lossTime.values()) repair.add(end - lost);
    for (double lost : pendingLosses) repair.add(end - lost);
    for (List<Double> losses : inheritedLosses.values()) for (double lost : losses) repair.add(end - lost);
    int n = samples.size();
    double[] hours = new double[n], tps = new double[n], ready = new double[n], online = new double[n], bound = new double[n];
    double readySum = 0, boundSum = 0, bandwidthBoundSum = 0;
    int readyMin = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      double[] s = samples.get(i);
      hours[i] = s[0];
      tps[i] = s[1];
      ready[i] = s[2];
      online[i] = s[3];
      bound[i] = s[4];
      readySum += s[2];
      boundSum += s[4];
      bandwidthBoundSum += s[5];
      readyMin = Math.min(readyMin, (int) s[2]);
    }
    long inFlight = requests - completed - failedMidStream - refused;
    return new SimResult(
        policy.name().toLowerCase(java.util.Locale.ROOT), requests, completed, completedAfterFailover,
        failedMidStream, refused, inFlight, outputTokens / end, n == 0 ? 0 : boundSum / n,
        n == 0 ? 0 : bandwidthBoundSum / n,
        SimResult.quantiles(ttft), SimResult.quantiles(itl), repair.count(), SimResult.quantiles(repair),
        n == 0 ? 0 : readySum / n, n == 0 ? 0 : readyMin, nodeLosses, nodeJoins,
        new SimResult.Series(hours, tps, ready, online, bound), allocatorEvents, SimResult.quantiles(allocator),
        SimResult.quantiles(allocatorWall),
        initialAllocationSeconds, wallSeconds);
  }

  /** Requests per second the run offered (resolved from --qps auto). */
  public double qps() {
    return qps;
  }
}
