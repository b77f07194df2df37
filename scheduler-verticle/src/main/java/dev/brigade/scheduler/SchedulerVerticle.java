package dev.brigade.scheduler;

import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.control.ControlMessages;
import dev.brigade.protocol.control.Heartbeat;
import dev.brigade.protocol.control.HeartbeatReply;
import dev.brigade.protocol.control.NodeRecord;
import dev.brigade.protocol.control.NodeState;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.Register;
import dev.brigade.protocol.control.RegisterReply;
import dev.brigade.protocol.control.SliceAssignment;
import dev.brigade.protocol.control.SliceLoaded;
import dev.brigade.protocol.control.Unload;
import dev.brigade.protocol.control.PipelineRecord.Stage;
import dev.brigade.protocol.control.PipelineState;
import dev.brigade.scheduler.plan.Transition;
import dev.brigade.scheduler.rewards.RewardsConfig;
import dev.brigade.scheduler.rewards.RewardsService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler: keeps the node registry and the pipeline table in Hazelcast maps, admits
 * workers, watches them (heartbeats and cluster membership), and places layer slices with the
 * planning code ({@link Placement}). One scheduler is active; others deploy the same verticle and
 * stand by until the active one's cluster member disappears, then carry on from the maps.
 *
 * <p>Everything runs on this verticle's event loop; planning is a pure computation over a few
 * dozen nodes, short enough to stay there.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(SchedulerVerticle.class.getName());
  private static final long STANDBY_RETRY_MS = 1000;
  /** A re-plan must predict this much more throughput (25%) to be worth its reloads. */
  private static final double REBALANCE_MIN_GAIN = 0.25;

  private final SchedulerConfig config;
  private final JoinPolicy joinPolicy;
  private final Placement placement;
  private final RewardsConfig rewardsConfig;
  private Future<RewardsService> rewards;
  private ClusterMembership membership;
  private Leadership leadership;
  private boolean active;
  /** Set once the active scheduler has loaded the maps and listens: what {@link #isActive} reports. */
  private volatile boolean serving;
  private SharedTable<NodeRecord> nodes;
  private SharedTable<PipelineRecord> pipelines;
  private MessageConsumer<JsonObject> consumer;
  private long planTimer = -1;
  private long epoch;
  /** When each draining pipeline started draining (scheduler clock). */
  private final Map<String, Long> drainingSince = new HashMap<>();
  /** When this scheduler first saw each pipeline broken (see {@link #giveUpOnLongBroken}). */
  private final Map<String, Long> brokenSince = new HashMap<>();

  /** A scheduler whose rewards ledger lives in memory (tests). */
  public SchedulerVerticle(SchedulerConfig config) {
    this(config, RewardsConfig.inMemory());
  }

  public SchedulerVerticle(SchedulerConfig config, RewardsConfig rewardsConfig) {
    this.config = config;
    this.rewardsConfig = rewardsConfig;
    this.joinPolicy = new JoinPolicy(config.joinToken());
    this.placement = new Placement(config.shape(), config.allocator());
  }

  @Override
  public Future<?> start() {
    membership = ClusterMembership.watch(vertx, context, this::onMemberLeft);
    return Leadership.open(vertx, membership, config.schedulerId()).onSuccess(l -> {
      leadership = l;
      vertx.setPeriodic(STANDBY_RETRY_MS, id -> campaign());
      campaign();
    });
  }

  @Override
  public Future<?> stop() {
    membership.close();
    Future<Void> flushed = active
        ? Future.all(nodes.flushed(), pipelines.flushed()).mapEmpty()
        : Future.succeededFuture();
    Future<Void> ledgerClosed = rewards == null
        ? Future.succeededFuture()
        : rewards.transform(r -> r.succeeded() ? r.result().stop() : Future.succeededFuture());
    return Future.join(flushed, ledgerClosed)
        .compose(v -> active ? leadership.release() : Future.succeededFuture());
  }

  /** True once this scheduler leads the cluster and serves (tests and the demo wait for it). */
  public boolean isActive() {
    return serving;
  }

  // ---- leadership ---------------------------------------------------------------------------

  private void campaign() {
    if (active) {
      return;
    }
    leadership.tryAcquire()
        .onSuccess(won -> {
          if (won && !active) {
            becomeActive();
          }
        })
        .onFailure(e -> LOG.log(Level.WARNING, "leader check failed: " + e.getMessage()));
  }

  private void becomeActive() {
    active = true;
    LOG.log(Level.INFO, "scheduler " + config.schedulerId() + " is active");
    Future.all(
            SharedTable.open(vertx, MapNames.NODES, NodeRecord::toJson, NodeRecord::fromJson),
            SharedTable.open(vertx, MapNames.PIPELINES, PipelineRecord::toJson, PipelineRecord::fromJson),
            ModelCardPublisher.publish(vertx, config.card()))
        .compose(all -> {
          nodes = all.resultAt(0);
          pipelines = all.resultAt(1);
          consumer = vertx.eventBus().consumer(Addresses.SCHEDULER, this::onControl);
          return consumer.completion();
        })
        .onSuccess(v -> {
          vertx.setPeriodic(sweepPeriodMs(), id -> {
            sweepHeartbeats();
            dissolveDrained();
            giveUpOnLongBroken();
          });
          if (!config.rebalanceEvery().isZero()) {
            vertx.setPeriodic(config.rebalanceEvery().toMillis(), id -> rebalance());
          }
          resumeFromMaps();
          openLedger();
        })
        .onFailure(e -> LOG.log(Level.ERROR, "scheduler could not take over: " + e.getMessage(), e));
  }

  /**
   * After taking over: clocks restart for live nodes, nodes that left while no scheduler watched
   * are gone, the planning state is rebuilt from the tables, and unconfirmed assignments are sent
   * again (workers treat repeats as no-ops).
   */
  private void resumeFromMaps() {
    long now = System.currentTimeMillis();
    for (PipelineRecord p : pipelines.all()) {
      epoch = Math.max(epoch, p.epoch());
    }
    for (NodeRecord n : List.copyOf(nodes.all())) {
      epoch = Math.max(epoch, n.epoch());
      if (n.alive() && !membership.isMember(n.clusterMemberId())) {
        LOG.log(Level.WARNING, "node " + n.nodeId() + " left while no scheduler was active");
        nodes.put(n.nodeId(), n.withState(NodeState.GONE));
      } else if (n.alive()) {
        nodes.put(n.nodeId(), n.withHeartbeat(new Heartbeat(n.nodeId(), n.activeSequences(), n.freeMemoryBytes()), now));
      }
    }
    for (PipelineRecord p : List.copyOf(pipelines.all())) {
      if (p.stages().stream().anyMatch(s -> !servesPipeline(s, p))) {
        pipelines.put(p.pipelineId(), p.withState(PipelineState.BROKEN));
      }
    }
    List<Transition> repairs = placement.restore(
        nodes.all().stream().filter(NodeRecord::alive).toList(), List.copyOf(pipelines.all()));
    for (PipelineRecord p : List.copyOf(pipelines.all())) {
      if (p.state() == PipelineState.LOADING) {
        sendAssignments(p);
      }
    }
    carryOut(repairs);
    schedulePlanning();
    serving = true;
    LOG.log(Level.INFO, "resumed with " + nodes.all().size() + " nodes and " + pipelines.all().size() + " pipelines");
  }

  /** Without a ledger the scheduler still schedules; gateways keep their credits until one is up. */
  private void openLedger() {
    rewards = RewardsService.start(vertx, rewardsConfig)
        .onFailure(e -> LOG.log(Level.ERROR, e.getMessage(), e));
  }

  // ---- messages from workers ----------------------------------------------------------------

  private void onControl(Message<JsonObject> msg) {
    String type = msg.headers().get(ControlMessages.TYPE_HEADER);
    switch (type == null ? "" : type) {
      case ControlMessages.REGISTER -> onRegister(msg);
      case ControlMessages.HEARTBEAT -> onHeartbeat(msg);
      case ControlMessages.SLICE_LOADED -> onSliceLoaded(msg);
      default -> msg.fail(400, "unknown scheduler message type: " + type);
    }
  }

  private void onRegister(Message<JsonObject> msg) {
    Register r = Register.fromJson(msg.body());
    String refusal = joinPolicy.refusal(r);
    if (refusal == null) {
      refusal = admit(r);
    }
    if (refusal != null) {
      LOG.log(Level.WARNING, "refused node " + r.nodeId() + ": " + refusal);
      msg.reply(RegisterReply.refuse(refusal).toJson());
      return;
    }
    msg.reply(RegisterReply.accept().toJson());
  }

  /** Adds the node on standby; null when admitted, else why not. Repeats are no-ops. */
  private String admit(Register r) {
    NodeRecord known = nodes.get(r.nodeId());
    if (known != null && known.alive()) {
      if (known.clusterMemberId().equals(r.clusterMemberId())) {
        return null;
      }
      if (membership.isMember(known.clusterMemberId())) {
        return "node id " + r.nodeId() + " is already used by another live worker";
      }
      nodeLost(r.nodeId(), "registered again from a new process");
    }
    nodes.put(r.nodeId(), NodeRecord.joined(r, System.currentTimeMillis()).withState(NodeState.STANDBY));
    placement.join(nodes.get(r.nodeId()));
    LOG.log(Level.INFO, "node " + r.nodeId() + " joined (" + r.backend() + ", " + r.memoryBytes() + " bytes)");
    schedulePlanning();
    return null;
  }

  private void onHeartbeat(Message<JsonObject> msg) {
    Heartbeat h = Heartbeat.fromJson(msg.body());
    NodeRecord n = nodes.get(h.nodeId());
    boolean known = n != null && n.alive();
    if (known) {
      nodes.put(n.nodeId(), n.withHeartbeat(h, System.currentTimeMillis()));
    }
    msg.reply(new HeartbeatReply(known).toJson());
  }

  private void onSliceLoaded(Message<JsonObject> msg) {
    SliceLoaded s = SliceLoaded.fromJson(msg.body());
    msg.reply(new JsonObject());
    PipelineRecord p = pipelines.get(s.pipelineId());
    NodeRecord n = nodes.get(s.nodeId());
    if (p == null || n == null || !n.alive() || p.epoch() != s.epoch() || p.stageOf(s.nodeId()) < 0) {
      return; // stale: an older epoch, or a pipeline that no longer exists
    }
    if (!s.succeeded()) {
      LOG.log(Level.WARNING, "node " + s.nodeId() + " could not load its slice: " + s.error());
      nodes.put(n.nodeId(), n.unplaced(NodeState.STANDBY));
      carryOut(placement.markUnfit(s.nodeId()));
      return;
    }
    nodes.put(n.nodeId(), n.withState(NodeState.READY));
    PipelineRecord updated = p.withStage(p.stageOf(s.nodeId()), st -> st.loadedWith(s.kvTokens()));
    if (updated.allLoaded() && updated.state() == PipelineState.LOADING) {
      updated = updated.withState(PipelineState.READY);
      placement.ready(p.pipelineId());
      LOG.log(Level.INFO, "pipeline " + p.pipelineId() + " is ready: " + describe(updated)
          + ", KV cache for " + updated.kvTokens() + " tokens");
    }
    pipelines.put(updated.pipelineId(), updated);
  }

  // ---- failure detection --------------------------------------------------------------------

  private void onMemberLeft(String clusterMemberId) {
    if (!active) {
      campaign();
      return;
    }
    if (nodes == null) {
      return;
    }
    for (NodeRecord n : List.copyOf(nodes.all())) {
      if (n.alive() && clusterMemberId.equals(n.clusterMemberId())) {
        nodeLost(n.nodeId(), "left the cluster");
      }
    }
  }

  private void sweepHeartbeats() {
    long deadline = System.currentTimeMillis() - config.heartbeatTimeout().toMillis();
    for (NodeRecord n : List.copyOf(nodes.all())) {
      if (n.alive() && n.lastHeartbeatMillis() < deadline) {
        nodeLost(n.nodeId(), "sent no heartbeat for " + config.heartbeatTimeout().toSeconds() + " s");
      }
    }
  }

  private long sweepPeriodMs() {
    return Math.max(50, config.heartbeatTimeout().toMillis() / 4);
  }

  private void nodeLost(String nodeId, String why) {
    NodeRecord n = nodes.get(nodeId);
    if (n == null || !n.alive()) {
      return;
    }
    LOG.log(Level.WARNING, "node " + nodeId + " is gone: " + why);
    nodes.put(nodeId, n.withState(NodeState.GONE));
    carryOut(placement.leave(nodeId));
  }

  // ---- placement ----------------------------------------------------------------------------

  /** Plans after a short quiet period, so nodes that start together are planned together. */
  private void schedulePlanning() {
    if (planTimer >= 0) {
      vertx.cancelTimer(planTimer);
    }
    long delay = Math.max(1, config.planDelay().toMillis());
    planTimer = vertx.setTimer(delay, id -> {
      planTimer = -1;
      carryOut(placement.plan());
    });
  }

  /** Makes the planner's decisions real: the pipeline table, node states and slice orders. */
  private void carryOut(List<Transition> transitions) {
    for (Transition t : transitions) {
      switch (t.kind()) {
        case FORM, REPAIR -> load(t);
        case BREAK -> markBroken(t.pipeline().id());
        case DRAIN -> markDraining(t.pipeline().id());
        case DISSOLVE -> dissolve(t);
      }
    }
  }

  /** A new or repaired pipeline: a new epoch, every stage gets its (possibly same) slice again. */
  private void load(Transition t) {
    List<Stage> stages = new ArrayList<>();
    for (dev.brigade.protocol.plan.Stage s : t.pipeline().stages()) {
      NodeRecord n = nodes.get(s.nodeId());
      stages.add(new Stage(s.nodeId(), s.start(), s.end(), n == null ? 0 : n.layerSeconds(), false));
    }
    PipelineRecord p = new PipelineRecord(t.pipeline().id(), PipelineState.LOADING, ++epoch, config.shape().numLayers(), stages);
    LOG.log(Level.INFO, (t.kind() == Transition.Kind.FORM ? "forming" : "repairing") + " pipeline "
        + p.pipelineId() + " " + describe(p));
    pipelines.put(p.pipelineId(), p);
    sendAssignments(p);
  }

  private void markBroken(String pipelineId) {
    PipelineRecord p = pipelines.get(pipelineId);
    if (p != null) {
      LOG.log(Level.WARNING, "pipeline " + pipelineId + " is broken; it waits for a node to fill the gap");
      pipelines.put(pipelineId, p.withState(PipelineState.BROKEN));
    }
  }

  private void markDraining(String pipelineId) {
    PipelineRecord p = pipelines.get(pipelineId);
    if (p != null) {
      LOG.log(Level.INFO, "pipeline " + pipelineId + " drains: it takes no new sequences");
      pipelines.put(pipelineId, p.withState(PipelineState.DRAINING));
      drainingSince.put(pipelineId, System.currentTimeMillis());
    }
  }

  /** Considers a full re-plan, only while every pipeline is settled (none loading or broken). */
  private void rebalance() {
    boolean settled = pipelines.all().stream()
        .allMatch(p -> p.state() == PipelineState.READY);
    if (settled && planTimer < 0) {
      carryOut(placement.rebalance(REBALANCE_MIN_GAIN));
    }
  }

  /**
   * A draining pipeline is empty once every live stage reported no running sequence in a
   * heartbeat sent after the drain began; then it is dissolved.
   */
  private void dissolveDrained() {
    for (PipelineRecord p : List.copyOf(pipelines.all())) {
      if (p.state() != PipelineState.DRAINING) {
        continue;
      }
      long since = drainingSince.computeIfAbsent(p.pipelineId(), id -> System.currentTimeMillis());
      boolean empty = p.stages().stream().allMatch(s -> {
        NodeRecord n = nodes.get(s.nodeId());
        return n == null || !n.alive() || (n.lastHeartbeatMillis() > since && n.activeSequences() == 0);
      });
      if (empty) {
        drainingSince.remove(p.pipelineId());
        LOG.log(Level.INFO, "pipeline " + p.pipelineId() + " drained");
        carryOut(placement.drained(p.pipelineId()));
      }
    }
  }

  /**
   * A pipeline broken for {@code repairWait} (no joining node fitted its gap) is dissolved, so
   * its surviving nodes stop idling and can repair another pipeline or form a new one. The clock
   * starts when this scheduler first sees it broken (again after a failover).
   */
  private void giveUpOnLongBroken() {
    if (config.repairWait().isZero()) {
      return;
    }
    long now = System.currentTimeMillis();
    List<String> broken = pipelines.all().stream()
        .filter(p -> p.state() == PipelineState.BROKEN).map(PipelineRecord::pipelineId).toList();
    brokenSince.keySet().retainAll(broken);
    for (String id : broken) {
      if (now - brokenSince.computeIfAbsent(id, k -> now) < config.repairWait().toMillis()) {
        continue;
      }
      brokenSince.remove(id);
      // Empty when an earlier give-up in this sweep has already repaired it with its survivors.
      List<Transition> transitions = placement.giveUp(id);
      if (!transitions.isEmpty()) {
        LOG.log(Level.WARNING, "pipeline " + id + " waited broken for " + config.repairWait().toSeconds()
            + " s; dissolving it so its nodes can serve elsewhere");
        carryOut(transitions);
      }
    }
  }

  /** The pipeline is gone; its live nodes are spare again and drop their slices. */
  private void dissolve(Transition t) {
    PipelineRecord p = pipelines.get(t.pipeline().id());
    pipelines.remove(t.pipeline().id());
    for (String nodeId : t.freedNodes()) {
      NodeRecord n = nodes.get(nodeId);
      if (n != null && n.alive()) {
        nodes.put(nodeId, n.unplaced(NodeState.STANDBY));
        send(Addresses.workerControl(nodeId), ControlMessages.UNLOAD,
            new Unload(nodeId, t.pipeline().id(), p == null ? epoch : p.epoch()).toJson());
      }
    }
  }

  private void sendAssignments(PipelineRecord p) {
    for (int i = 0; i < p.stages().size(); i++) {
      if (p.stages().get(i).loaded()) {
        continue;
      }
      SliceAssignment a = p.assignment(i);
      NodeRecord n = nodes.get(a.nodeId());
      if (n != null && n.alive()) {
        nodes.put(n.nodeId(), n.assigned(a));
        send(Addresses.workerControl(a.nodeId()), ControlMessages.ASSIGN, a.toJson());
      }
    }
  }

  private static String describe(PipelineRecord p) {
    StringBuilder b = new StringBuilder();
    for (Stage s : p.stages()) {
      b.append(b.isEmpty() ? "" : " -> ").append(s.nodeId()).append(" [").append(s.layerStart())
          .append(", ").append(s.layerEnd()).append(")");
    }
    return b.toString();
  }

  /** True when the stage's node is alive and placed on this pipeline. */
  private boolean servesPipeline(Stage s, PipelineRecord p) {
    NodeRecord n = nodes.get(s.nodeId());
    return n != null && n.alive() && p.pipelineId().equals(n.pipelineId());
  }

  /** A request with a timeout; the answer is an acknowledgement, outcomes come back as messages. */
  private void send(String address, String type, JsonObject body) {
    DeliveryOptions opts = new DeliveryOptions()
        .addHeader(ControlMessages.TYPE_HEADER, type)
        .setSendTimeout(config.requestTimeout().toMillis());
    vertx.eventBus().request(address, body, opts)
        .onFailure(e -> LOG.log(Level.WARNING, type + " to " + address + " failed: " + e.getMessage()));
  }
}
