package dev.brigade.worker;

import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.ProtocolVersion;
import dev.brigade.protocol.control.ControlMessages;
import dev.brigade.protocol.control.Heartbeat;
import dev.brigade.protocol.control.HeartbeatReply;
import dev.brigade.protocol.control.Register;
import dev.brigade.protocol.control.RegisterReply;
import dev.brigade.protocol.control.SliceAssignment;
import dev.brigade.protocol.control.SliceLoaded;
import dev.brigade.protocol.control.Unload;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;

/**
 * A worker's control plane: registers with the scheduler (and keeps doing so until one
 * answers), sends heartbeats with its load, and loads, re-routes or unloads its slice as the
 * scheduler says. The data plane (activation frames) belongs to the {@link SliceHost}.
 *
 * <p>Deployment completes once the scheduler accepted the worker; it fails with {@link
 * WorkerRefusedException} carrying the scheduler's reason when refused.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(WorkerVerticle.class.getName());
  private static final long RETRY_MS = 500;

  private final WorkerConfig config;
  private final WorkerProfile profile;
  private final SliceHost host;
  private MessageConsumer<JsonObject> control;
  /** The newest assignment received; older ones are ignored. */
  private SliceAssignment wanted;
  /** The assignment whose slice is loaded, or null. */
  private SliceAssignment loaded;
  /** Slice changes run one after another, in arrival order. */
  private Future<Void> sliceWork = Future.succeededFuture();
  private boolean registering;

  public WorkerVerticle(WorkerConfig config, WorkerProfile profile, SliceHost host) {
    this.config = config;
    this.profile = profile;
    this.host = host;
  }

  @Override
  public Future<?> start() {
    control = vertx.eventBus().consumer(Addresses.workerControl(config.nodeId()), this::onControl);
    return control.completion()
        .compose(v -> registerUntilAnswered())
        .onSuccess(v -> vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> heartbeat()));
  }

  @Override
  public Future<?> stop() {
    return host.unload();
  }

  /** The assignment currently loaded (tests and the dashboard read it), or null. */
  public SliceAssignment loadedSlice() {
    return loaded;
  }

  // ---- registration and heartbeats ----------------------------------------------------------

  private Future<Void> registerUntilAnswered() {
    Promise<Void> done = Promise.promise();
    registering = true;
    tryRegister(done, true);
    return done.future().andThen(ar -> registering = false);
  }

  private void tryRegister(Promise<Void> done, boolean firstTry) {
    Register r = new Register(ProtocolVersion.CURRENT, config.joinToken(), config.nodeId(),
        clusterMemberId(), config.memoryBytes(), profile.layerSeconds(), profile.backend(), profile.device());
    request(ControlMessages.REGISTER, r.toJson())
        .onSuccess(reply -> {
          RegisterReply answer = RegisterReply.fromJson(reply);
          if (answer.accepted()) {
            LOG.log(Level.INFO, "worker " + config.nodeId() + " registered");
            done.complete();
          } else {
            done.fail(new WorkerRefusedException(answer.reason()));
          }
        })
        .onFailure(e -> {
          if (firstTry) {
            LOG.log(Level.INFO, "no scheduler answered yet (" + e.getMessage() + "); retrying");
          }
          vertx.setTimer(RETRY_MS, id -> tryRegister(done, false));
        });
  }

  private void heartbeat() {
    if (registering) {
      return;
    }
    Heartbeat h = new Heartbeat(config.nodeId(), host.activeSequences(),
        Math.max(0, config.memoryBytes() - host.usedBytes()));
    request(ControlMessages.HEARTBEAT, h.toJson())
        .onSuccess(reply -> {
          if (!HeartbeatReply.fromJson(reply).known()) {
            rejoin();
          }
        });
    // A failed heartbeat (no scheduler during a takeover) is simply tried again next period.
  }

  /** The scheduler no longer knows us (declared gone, or a new registry): drop the slice and rejoin. */
  private void rejoin() {
    LOG.log(Level.WARNING, "scheduler does not know worker " + config.nodeId() + "; registering again");
    enqueue(() -> {
      loaded = null;
      wanted = null;
      return host.unload();
    });
    registerUntilAnswered().onFailure(e -> LOG.log(Level.ERROR, e.getMessage()));
  }

  // ---- slice control ------------------------------------------------------------------------

  private void onControl(Message<JsonObject> msg) {
    String type = msg.headers().get(ControlMessages.TYPE_HEADER);
    switch (type == null ? "" : type) {
      case ControlMessages.ASSIGN -> onAssign(msg);
      case ControlMessages.UNLOAD -> onUnload(msg);
      default -> msg.fail(400, "unknown worker control message type: " + type);
    }
  }

  private void onAssign(Message<JsonObject> msg) {
    SliceAssignment a = SliceAssignment.fromJson(msg.body());
    msg.reply(new JsonObject());
    if (wanted != null && a.epoch() < wanted.epoch()) {
      return; // an order from before a newer plan
    }
    wanted = a;
    enqueue(() -> apply(a));
  }

  /** Brings the slice to {@code a}, unless a newer assignment arrived meanwhile. */
  private Future<Void> apply(SliceAssignment a) {
    if (a != wanted) {
      return Future.succeededFuture();
    }
    if (a.equals(loaded)) {
      report(SliceLoaded.ok(config.nodeId(), a.pipelineId(), a.epoch(), host.kvTokens()));
      return Future.succeededFuture();
    }
    Future<Void> change = sameSlice(loaded, a) ? host.reroute(a) : host.load(a);
    return change.andThen(ar -> {
      if (ar.succeeded()) {
        loaded = a;
        report(SliceLoaded.ok(config.nodeId(), a.pipelineId(), a.epoch(), host.kvTokens()));
      } else {
        loaded = null;
        LOG.log(Level.ERROR, "could not load " + a + ": " + ar.cause().getMessage());
        report(new SliceLoaded(config.nodeId(), a.pipelineId(), a.epoch(), String.valueOf(ar.cause().getMessage())));
      }
    }).otherwiseEmpty().mapEmpty();
  }

  private static boolean sameSlice(SliceAssignment have, SliceAssignment want) {
    return have != null
        && have.pipelineId().equals(want.pipelineId())
        && have.layerStart() == want.layerStart()
        && have.layerEnd() == want.layerEnd();
  }

  private void onUnload(Message<JsonObject> msg) {
    Unload u = Unload.fromJson(msg.body());
    msg.reply(new JsonObject());
    enqueue(() -> {
      boolean ours = loaded != null && loaded.pipelineId().equals(u.pipelineId()) && loaded.epoch() <= u.epoch();
      if (!ours) {
        return Future.succeededFuture();
      }
      loaded = null;
      if (wanted != null && wanted.pipelineId().equals(u.pipelineId())) {
        wanted = null;
      }
      return host.unload();
    });
  }

  private void enqueue(java.util.function.Supplier<Future<Void>> step) {
    sliceWork = sliceWork.transform(ignored -> step.get()).otherwiseEmpty();
  }

  /** Tells the scheduler the outcome; retried while no scheduler answers (takeover). */
  private void report(SliceLoaded s) {
    request(ControlMessages.SLICE_LOADED, s.toJson()).onFailure(e -> {
      if (!(e instanceof ReplyException re) || re.failureCode() != 400) {
        vertx.setTimer(RETRY_MS, id -> {
          if (wanted != null && wanted.epoch() == s.epoch()) {
            report(s);
          }
        });
      }
    });
  }

  private Future<JsonObject> request(String type, JsonObject body) {
    DeliveryOptions opts = new DeliveryOptions()
        .addHeader(ControlMessages.TYPE_HEADER, type)
        .setSendTimeout(config.requestTimeout().toMillis());
    return vertx.eventBus().<JsonObject>request(Addresses.SCHEDULER, body, opts).map(Message::body);
  }

  private String clusterMemberId() {
    if (vertx instanceof VertxInternal vi && vi.clusterManager() != null) {
      return vi.clusterManager().getNodeId();
    }
    throw new IllegalStateException("a worker needs a clustered Vert.x");
  }
}
