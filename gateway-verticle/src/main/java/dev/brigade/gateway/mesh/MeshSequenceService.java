package dev.brigade.gateway.mesh;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.gateway.rewards.CreditSender;
import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.GeneratedToken;
import dev.brigade.gateway.sequence.SequenceFailure;
import dev.brigade.gateway.sequence.SequenceHandle;
import dev.brigade.gateway.sequence.SequenceListener;
import dev.brigade.gateway.sequence.SequenceRequest;
import dev.brigade.gateway.sequence.SequenceService;
import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.rewards.AttemptCredits;
import dev.brigade.protocol.wire.FreeSequence;
import dev.brigade.protocol.wire.Sampling;
import dev.brigade.protocol.wire.SequenceError;
import dev.brigade.protocol.wire.StartSequence;
import dev.brigade.protocol.wire.TokenEvent;
import dev.brigade.protocol.wire.Wire;
import dev.brigade.protocol.wire.WireException;
import dev.brigade.protocol.wire.WireMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The gateway's client to the mesh. Starts each sequence on the ready pipeline the router
 * picks, receives its tokens on this gateway's address, delivers them in order and exactly once
 * (dedup by sequence and index), and restarts a sequence on another pipeline when its pipeline
 * breaks (a member left, a send failed, a stage reported an error, or no token came within the
 * progress deadline) from prompt + generated ids with the same seed, so the listener sees the
 * tokens of a failure-free run.
 *
 * <p>All state lives on the context the service was started on; listeners are called on the
 * context of the caller of {@link #start}.
 */
public final class MeshSequenceService implements SequenceService {
  private static final Logger LOG = Logger.getLogger(MeshSequenceService.class.getName());

  private final Vertx vertx;
  private final Context context;
  private final String gatewayId;
  private final MeshSettings settings;
  private final HazelcastInstance hazelcast;
  private final PipelineDirectory directory;
  private final MeshRouting routing;
  private final CreditSender credits;
  private final Map<String, SequenceRun> runs = new HashMap<>();
  /** Nodes whose cluster member left; pipelines using them are not routed to. */
  private final Set<String> deadNodes = new HashSet<>();
  private MessageConsumer<Buffer> consumer;
  private UUID membershipRegistration;
  private long progressTimer = -1;
  private java.util.function.Consumer<Failover> failoverListener = f -> {};

  private MeshSequenceService(Vertx vertx, Context context, String gatewayId, MeshSettings settings) {
    this.vertx = vertx;
    this.context = context;
    this.gatewayId = gatewayId;
    this.settings = settings;
    this.hazelcast = ClusterBootstrap.hazelcast(vertx);
    this.directory = new PipelineDirectory(hazelcast);
    this.routing = new MeshRouting();
    this.credits = new CreditSender(vertx, context, settings.startTimeoutMillis());
  }

  /**
   * Starts the service for gateway {@code gatewayId} on the current context (a clustered Vert.x
   * from {@link ClusterBootstrap}).
   */
  public static Future<MeshSequenceService> start(Vertx vertx, String gatewayId, MeshSettings settings) {
    Context ctx = vertx.getOrCreateContext();
    Promise<MeshSequenceService> started = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        MeshSequenceService service = new MeshSequenceService(vertx, ctx, gatewayId, settings);
        service.listen().onComplete(r -> started.handle(r.map(service)));
      } catch (RuntimeException e) {
        started.fail(e);
      }
    });
    return started.future();
  }

  private Future<Void> listen() {
    consumer = vertx.eventBus().consumer(Addresses.gatewayTokens(gatewayId), this::onMessage);
    membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        String node = ClusterBootstrap.nodeIdOf(event.getMember());
        context.runOnContext(v -> deadNodes.remove(node));
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String node = ClusterBootstrap.nodeIdOf(event.getMember());
        if (node != null) {
          context.runOnContext(v -> onNodeLeft(node));
        }
      }
    });
    long period = Math.max(50, settings.progressDeadlineMillis() / 4);
    progressTimer = vertx.setPeriodic(period, id -> checkProgress());
    return consumer.completion();
  }

  /** Told (on the service's context) each time a sequence leaves a broken pipeline. */
  public void onFailover(java.util.function.Consumer<Failover> listener) {
    this.failoverListener = listener;
  }

  public String gatewayId() {
    return gatewayId;
  }

  /** Where this gateway's layer-token credits wait until the scheduler's ledger has them. */
  public CreditSender credits() {
    return credits;
  }

  /** Stops listening; running sequences fail with INTERNAL. */
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(progressTimer);
      for (SequenceRun run : new ArrayList<>(runs.values())) {
        fail(run, SequenceFailure.Kind.INTERNAL, "gateway " + gatewayId + " is shutting down");
      }
      try {
        hazelcast.getCluster().removeMembershipListener(membershipRegistration);
      } catch (RuntimeException clusterGone) {
        LOG.fine("membership listener already gone with the cluster");
      }
      directory.close();
      credits.close();
      consumer.unregister().onComplete(closed);
    });
    return closed.future();
  }

  @Override
  public int readyPipelines() {
    return candidates(Set.of()).size();
  }

  @Override
  public SequenceHandle start(SequenceRequest request, SequenceListener listener) {
    Context caller = Vertx.currentContext() != null ? Vertx.currentContext() : context;
    SequenceRun run = new SequenceRun(request, listener, caller);
    onServiceContext(() -> begin(run));
    return () -> onServiceContext(() -> cancel(run));
  }

  // ---- starting and restarting ---------------------------------------------------------------

  private void begin(SequenceRun run) {
    String invalid = validate(run.request);
    if (invalid != null) {
      run.done = true;
      deliver(run, l -> l.onError(new SequenceFailure(SequenceFailure.Kind.CONTEXT_FULL, invalid)));
      return;
    }
    if (runs.containsKey(run.seqId())) {
      run.done = true;
      deliver(run, l -> l.onError(new SequenceFailure(SequenceFailure.Kind.INTERNAL,
          "sequence " + run.seqId() + " is already running on gateway " + gatewayId)));
      return;
    }
    runs.put(run.seqId(), run);
    launch(run, null);
  }

  private static String validate(SequenceRequest r) {
    if (r.promptIds() == null || r.promptIds().length == 0) {
      return "the prompt has no tokens";
    }
    if (r.maxTokens() < 1) {
      return "max tokens must be >= 1, got " + r.maxTokens();
    }
    return null;
  }

  /** Runs the sequence's next attempt on the best pipeline it may still use. */
  private void launch(SequenceRun run, SequenceFailure.Kind ifNone) {
    if (run.done) {
      return;
    }
    if (run.attempt + 1 >= settings.maxAttempts()) {
      fail(run, SequenceFailure.Kind.INTERNAL,
          "sequence " + run.seqId() + " failed on " + settings.maxAttempts() + " pipelines");
      return;
    }
    List<PipelineRecord> options = candidates(run.excluded);
    if (options.isEmpty()) {
      fail(run, ifNone == null ? SequenceFailure.Kind.NO_PIPELINE : ifNone,
          ifNone == SequenceFailure.Kind.QUEUE_FULL
              ? "every pipeline is full; retry later"
              : "no ready pipeline can take the sequence");
      return;
    }
    long tokens = (long) run.request.promptIds().length + run.request.maxTokens();
    MeshRouting.Choice choice = routing.choose(options, tokens);
    if (choice == null) {
      fail(run, SequenceFailure.Kind.QUEUE_FULL, "no ready pipeline has room for the sequence; retry later");
      return;
    }
    run.attempt++;
    run.pipeline = choice.pipeline();
    run.beginAttempt();
    run.releaseLease = choice.release();
    run.lastProgressNanos = System.nanoTime();
    int attempt = run.attempt;
    StartSequence start = new StartSequence(run.seqId(), attempt, gatewayId, run.request.promptIds(),
        toWire(run.request.sampling()), run.request.maxTokens(), stopIds(run.request), run.generatedIds());
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(settings.startTimeoutMillis());
    vertx.eventBus().request(Addresses.workerStage(run.pipeline.headNodeId()), start.encode(), timeout)
        .onFailure(e -> {
          if (!run.done && run.attempt == attempt) {
            onStartRefused(run, e);
          }
        });
  }

  private void onStartRefused(SequenceRun run, Throwable e) {
    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      SequenceError.Kind kind = SequenceError.Kind.fromCode(re.failureCode());
      if (kind == SequenceError.Kind.CONTEXT_FULL) {
        fail(run, SequenceFailure.Kind.CONTEXT_FULL, re.getMessage());
        return;
      }
      if (kind == SequenceError.Kind.QUEUE_FULL) {
        restart(run, re.getMessage(), SequenceFailure.Kind.QUEUE_FULL);
        return;
      }
    }
    restart(run, "pipeline " + run.pipeline.pipelineId() + " did not take the sequence: " + e.getMessage(), null);
  }

  /** Gives up the current pipeline and tries the next one. */
  private void restart(SequenceRun run, String why, SequenceFailure.Kind ifNone) {
    if (run.done) {
      return;
    }
    LOG.info("gateway " + gatewayId + ": sequence " + run.seqId() + " leaves pipeline "
        + run.pipeline.pipelineId() + " after " + run.generatedCount + " tokens: " + why);
    credit(run);
    failoverListener.accept(
        new Failover(run.seqId(), run.pipeline.pipelineId(), why, run.generatedCount, System.currentTimeMillis()));
    freeStages(run);
    run.releaseLease.run();
    run.releaseLease = () -> {};
    run.excluded.add(run.pipeline.pipelineId());
    launch(run, ifNone);
  }

  private List<PipelineRecord> candidates(Set<String> excluded) {
    List<PipelineRecord> out = new ArrayList<>();
    for (PipelineRecord p : directory.ready()) {
      if (excluded.contains(p.pipelineId())) {
        continue;
      }
      boolean healthy = p.stages().stream().noneMatch(s -> deadNodes.contains(s.nodeId()));
      if (healthy) {
        out.add(p);
      }
    }
    return out;
  }

  // ---- inbound: tokens and errors ------------------------------------------------------------

  private void onMessage(Message<Buffer> message) {
    List<WireMessage> decoded;
    try {
      decoded = Wire.decodeAll(message.body());
    } catch (WireException | ClassCastException e) {
      LOG.warning("gateway " + gatewayId + " rejected a frame: " + e.getMessage());
      if (message.replyAddress() != null) {
        message.fail(SequenceError.Kind.BAD_FRAME.code(), e.getMessage());
      }
      return;
    }
    for (WireMessage m : decoded) { // a tail sends the tokens of one forward as one batch
      switch (m) {
        case TokenEvent t -> onToken(t);
        case SequenceError err -> onSequenceError(err);
        default -> LOG.warning("gateway " + gatewayId + ": unexpected " + m.type());
      }
    }
  }

  private void onToken(TokenEvent t) {
    SequenceRun run = runs.get(t.seqId());
    if (run == null || run.done || t.attempt() != run.attempt || t.index() != run.generatedCount) {
      return; // a stale attempt, or a duplicate: events are idempotent by (sequence, index)
    }
    run.lastProgressNanos = System.nanoTime();
    run.attemptSampled++;
    if (t.finish() == TokenEvent.Finish.STOP) {
      finish(run, FinishReason.STOP, t.index() + 1);
      return;
    }
    run.addGenerated(t.tokenId());
    GeneratedToken token = toGenerated(t, run.request.sampling().wantsLogprobs());
    deliver(run, l -> l.onToken(token));
    if (t.finish() == TokenEvent.Finish.LENGTH) {
      finish(run, FinishReason.LENGTH, t.index() + 1);
    }
  }

  private void onSequenceError(SequenceError err) {
    SequenceRun run = runs.get(err.seqId());
    if (run == null || run.done || err.attempt() != run.attempt) {
      return;
    }
    switch (err.kind()) {
      case CONTEXT_FULL -> fail(run, SequenceFailure.Kind.CONTEXT_FULL, err.message());
      case QUEUE_FULL -> restart(run, err.message(), SequenceFailure.Kind.QUEUE_FULL);
      default -> restart(run, err.message(), null);
    }
  }

  private void onNodeLeft(String nodeId) {
    deadNodes.add(nodeId);
    for (SequenceRun run : new ArrayList<>(runs.values())) {
      if (run.pipeline != null && run.pipeline.uses(nodeId)) {
        restart(run, "node " + nodeId + " left the cluster", null);
      }
    }
  }

  private void checkProgress() {
    long now = System.nanoTime();
    long deadline = TimeUnit.MILLISECONDS.toNanos(settings.progressDeadlineMillis());
    for (SequenceRun run : new ArrayList<>(runs.values())) {
      if (!run.done && now - run.lastProgressNanos > deadline) {
        restart(run, "no token for " + settings.progressDeadlineMillis() + " ms", null);
      }
    }
  }

  // ---- endings -------------------------------------------------------------------------------

  private void finish(SequenceRun run, FinishReason reason, int completionTokens) {
    end(run);
    deliver(run, l -> l.onFinish(reason, completionTokens));
  }

  private void cancel(SequenceRun run) {
    if (run.done) {
      return;
    }
    end(run);
    int n = run.generatedCount;
    deliver(run, l -> l.onFinish(FinishReason.CANCELLED, n));
  }

  private void fail(SequenceRun run, SequenceFailure.Kind kind, String message) {
    if (run.done) {
      return;
    }
    end(run);
    deliver(run, l -> l.onError(new SequenceFailure(kind, message)));
  }

  private void end(SequenceRun run) {
    run.done = true;
    runs.remove(run.seqId(), run);
    credit(run);
    freeStages(run);
    run.releaseLease.run();
    run.releaseLease = () -> {};
  }

  /** Credits the current attempt's pipeline with the work the gateway saw come back, once. */
  private void credit(SequenceRun run) {
    if (run.pipeline == null || run.attemptSampled == 0) {
      return;
    }
    credits.submit(AttemptCredits.of(run.runId, run.seqId(), run.attempt, run.pipeline,
        run.attemptContext, run.attemptSampled));
    run.attemptSampled = 0;
  }

  /** FreeSequence to every stage of the run's current pipeline (idempotent there). */
  private void freeStages(SequenceRun run) {
    if (run.pipeline == null) {
      return;
    }
    Buffer free = new FreeSequence(run.seqId()).encode();
    for (PipelineRecord.Stage s : run.pipeline.stages()) {
      if (!deadNodes.contains(s.nodeId())) {
        vertx.eventBus().send(Addresses.workerStage(s.nodeId()), free);
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void deliver(SequenceRun run, java.util.function.Consumer<SequenceListener> event) {
    run.callerContext.runOnContext(v -> event.accept(run.listener));
  }

  private void onServiceContext(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  static Sampling toWire(SamplingParams p) {
    return new Sampling(p.temperature(), p.topK(), p.topP(), p.minP(), p.repetitionPenalty(),
        p.presencePenalty(), p.frequencyPenalty(), p.seed(), p.topLogprobs());
  }

  private static int[] stopIds(SequenceRequest r) {
    return r.stopTokenIds() == null ? new int[0] : r.stopTokenIds().stream().mapToInt(Integer::intValue).toArray();
  }

  private static GeneratedToken toGenerated(TokenEvent t, boolean logprobs) {
    List<GeneratedToken.TopLogprob> top = new ArrayList<>(t.topLogprobs().size());
    for (TokenEvent.Top x : t.topLogprobs()) {
      top.add(new GeneratedToken.TopLogprob(x.tokenId(), x.logprob()));
    }
    return new GeneratedToken(t.index(), t.tokenId(), logprobs ? t.logprob() : Double.NaN, List.copyOf(top));
  }
}
