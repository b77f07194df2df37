package dev.brigade.worker.stage;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.brigade.engine.backend.Backend;
import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.control.SliceAssignment;
import dev.brigade.protocol.wire.SequenceError;
import dev.brigade.protocol.wire.Wire;
import dev.brigade.protocol.wire.WireException;
import dev.brigade.protocol.wire.WireMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One worker's data plane: receives frames on {@link Addresses#workerStage(String)}, runs its
 * slice's layers for batches of them on a dedicated compute thread, and passes results on (next
 * stage, or the gateway and the head when it is the tail).
 *
 * <p>The control plane drives it: {@link #load} when the scheduler assigns a slice, {@link
 * #unload} when it takes it away, {@link #figures} for heartbeats. Call {@link #start} once,
 * from a Vert.x context, before anything else.
 */
public final class StageServer {
  private static final Logger LOG = Logger.getLogger(StageServer.class.getName());

  private final Vertx vertx;
  private final String nodeId;
  private final StageSettings settings;
  private final StageFigures figures = new StageFigures();
  private final StageLoop loop;
  private final Thread computeThread;
  private MessageConsumer<Buffer> consumer;
  private UUID membershipRegistration;
  private volatile SliceAssignment assignment;

  public StageServer(Vertx vertx, String nodeId, StageSettings settings) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.settings = settings;
    this.loop = new StageLoop(nodeId, vertx.eventBus(), settings, figures);
    this.computeThread = Thread.ofPlatform().name("brigade-stage-" + nodeId).daemon().unstarted(loop);
  }

  /** Starts the compute thread and listens for frames. */
  public Future<Void> start() {
    computeThread.start();
    watchGateways();
    consumer =
        vertx.eventBus().consumer(
            new MessageConsumerOptions()
                .setAddress(Addresses.workerStage(nodeId))
                .setMaxBufferedMessages(settings.maxBufferedFrames()),
            this::onFrame);
    return consumer.completion();
  }

  /**
   * Loads layers [a.layerStart, a.layerEnd) of the checkpoint in {@code modelDir} onto {@code
   * backend}, with a KV cache of {@code kvBudgetBytes}, replacing any slice held before (its
   * sequences are dropped). The stage owns {@code backend} from then on and closes it when the
   * slice is replaced or unloaded. Runs on the compute thread; completes on the caller's context.
   */
  public Future<Void> load(SliceAssignment a, Path modelDir, Backend backend, long kvBudgetBytes) {
    if (!a.nodeId().equals(nodeId)) {
      return Future.failedFuture("assignment for node " + a.nodeId() + " sent to node " + nodeId);
    }
    return onLoop(() -> {
      loop.uninstall(); // the old slice's memory is returned before the new one is read
      assignment = null;
      LoadedSlice loaded = LoadedSlice.load(a, modelDir, backend, kvBudgetBytes);
      loop.install(loaded);
      assignment = a;
      LOG.info("stage " + nodeId + ": loaded layers [" + a.layerStart() + ", " + a.layerEnd() + ") of "
          + a.numLayers() + " for pipeline " + a.pipelineId() + " (" + loaded.totalBlocks() + " KV blocks)");
      return null;
    });
  }

  /**
   * Same layers, new pipeline neighbours or epoch (a repaired pipeline): keeps the weights and
   * KV cache. Fails when no slice is loaded or the layers differ.
   */
  public Future<Void> reroute(SliceAssignment a) {
    if (!a.nodeId().equals(nodeId)) {
      return Future.failedFuture("assignment for node " + a.nodeId() + " sent to node " + nodeId);
    }
    return onLoop(() -> {
      loop.reroute(a);
      assignment = a;
      return null;
    });
  }

  /** Drops the slice, its KV cache and every sequence on it. */
  public Future<Void> unload() {
    return onLoop(() -> {
      loop.uninstall();
      assignment = null;
      return null;
    });
  }

  /** The slice this stage serves, or null. */
  public SliceAssignment assignment() {
    return assignment;
  }

  public String nodeId() {
    return nodeId;
  }

  public StageFigures figures() {
    return figures;
  }

  /** Stops listening, drops the slice and ends the compute thread. */
  public Future<Void> close() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    if (membershipRegistration != null) {
      try {
        ClusterBootstrap.hazelcast(vertx).getCluster().removeMembershipListener(membershipRegistration);
      } catch (RuntimeException alreadyStopped) {
        LOG.fine("membership listener already gone with the cluster");
      }
    }
    return unregistered.eventually(() -> {
      loop.stop();
      return vertx.executeBlocking(() -> {
        computeThread.join(10_000);
        return null;
      }, false);
    });
  }

  // ---- event-loop side: decode, reject bad frames, hand the rest to the compute thread ------

  private void onFrame(Message<Buffer> message) {
    List<WireMessage> decoded;
    try {
      decoded = Wire.decodeAll(message.body());
    } catch (WireException | ClassCastException e) {
      String why = "node " + nodeId + " rejected a frame: " + e.getMessage();
      LOG.warning(why);
      if (message.replyAddress() != null) {
        message.fail(SequenceError.Kind.BAD_FRAME.code(), why);
      }
      return;
    }
    if (decoded.size() == 1) {
      WireMessage m = decoded.getFirst();
      loop.submit(() -> loop.onMessage(m, message));
    } else {
      // a batch is applied in one task, so the compute thread sees all of it before its next forward
      loop.submit(() -> decoded.forEach(m -> loop.onMessage(m, null)));
    }
  }

  /** Frees the sequences of gateways that leave the cluster (when clustered on Hazelcast). */
  private void watchGateways() {
    if (!vertx.isClustered()) {
      return;
    }
    membershipRegistration =
        ClusterBootstrap.hazelcast(vertx).getCluster().addMembershipListener(new MembershipListener() {
          @Override
          public void memberAdded(MembershipEvent event) {}

          @Override
          public void memberRemoved(MembershipEvent event) {
            String gone = ClusterBootstrap.nodeIdOf(event.getMember());
            if (gone != null) {
              loop.submit(() -> loop.dropGateway(gone));
            }
          }
        });
  }

  private <T> Future<T> onLoop(Supplier<T> task) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    loop.submit(() -> {
      try {
        T result = task.get();
        caller.runOnContext(v -> promise.complete(result));
      } catch (RuntimeException e) {
        caller.runOnContext(v -> promise.fail(e));
      }
    });
    return promise.future();
  }
}
