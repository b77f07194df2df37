package dev.brigade.worker;

import dev.brigade.worker.stage.StageServer;
import dev.brigade.worker.stage.StageSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * Starts one worker on a clustered Vert.x: picks the backend, measures its speed, starts the
 * stage server (data plane) and deploys the {@link WorkerVerticle} (control plane). The same
 * call serves `brigade worker` and the in-JVM mesh of the demo and tests.
 */
public final class WorkerNode {
  private static final System.Logger LOG = System.getLogger(WorkerNode.class.getName());

  private final StageServer stage;
  private final WorkerVerticle verticle;
  private final String deploymentId;

  private WorkerNode(StageServer stage, WorkerVerticle verticle, String deploymentId) {
    this.stage = stage;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
  }

  /**
   * @param backend from {@link SelectedBackend#choose}, validated before the cluster starts
   * @return completes once the scheduler accepted the worker; fails with {@link
   *     WorkerRefusedException} when it refused
   */
  public static Future<WorkerNode> start(Vertx vertx, WorkerConfig config, Path modelDir, SelectedBackend backend) {
    // Measuring blocks: off the event loop.
    return vertx.<Double>executeBlocking(() -> {
          try (var device = backend.factory().get()) {
            return Calibration.layerSeconds(modelDir, device);
          }
        }, false)
        .compose(seconds -> {
          LOG.log(Level.INFO, "worker " + config.nodeId() + ": " + backend.name() + " (" + backend.device()
              + "), " + String.format("%.3f", seconds * 1e3) + " ms per layer per token, budget "
              + MemorySize.format(config.memoryBytes()));
          return start(vertx, config, modelDir, backend, new WorkerProfile(backend.name(), backend.device(), seconds));
        });
  }

  /**
   * Starts a worker whose speed is already known (no calibration): tests that need chosen
   * speeds, or a restart that reuses an earlier measurement.
   */
  public static Future<WorkerNode> start(
      Vertx vertx, WorkerConfig config, Path modelDir, SelectedBackend backend, WorkerProfile profile) {
    StageServer stage = new StageServer(vertx, config.nodeId(), StageSettings.defaults());
    // Reading the checkpoint's sizes blocks: off the event loop.
    return vertx.executeBlocking(() -> new StageSliceHost(stage, modelDir, backend, config.memoryBytes()), false)
        .compose(host -> {
          WorkerVerticle verticle = new WorkerVerticle(config, profile, host);
          // The stage server starts on a context of its own, right before the verticle.
          return vertx.deployVerticle(new StageStarter(stage))
              .compose(ignored -> vertx.deployVerticle(verticle))
              .map(id -> new WorkerNode(stage, verticle, id));
        });
  }

  /**
   * Vert.x options for a process that runs one worker: a single event loop. A worker's event
   * loop only moves frames between sockets and the stage's compute thread; with one loop, a
   * frame is read, handed to its consumer and answered on the same thread, where several loops
   * would add a cross-thread wake-up or two to every hop of the pipeline.
   */
  public static VertxOptions processVertxOptions() {
    return new VertxOptions().setEventLoopPoolSize(1);
  }

  public WorkerVerticle verticle() {
    return verticle;
  }

  public StageServer stage() {
    return stage;
  }

  /** Undeploys the control plane and closes the stage server. */
  public Future<Void> stop(Vertx vertx) {
    return vertx.undeploy(deploymentId).eventually(stage::close);
  }

  /** Runs {@link StageServer#start} on a Vert.x context of its own. */
  private static final class StageStarter extends io.vertx.core.VerticleBase {
    private final StageServer stage;

    StageStarter(StageServer stage) {
      this.stage = stage;
    }

    @Override
    public Future<?> start() {
      return stage.start();
    }
  }
}
