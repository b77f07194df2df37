package dev.brigade.worker;

import dev.brigade.worker.stage.StageServer;
import dev.brigade.worker.stage.StageSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
    StageServer stage = new StageServer(vertx, config.nodeId(), StageSettings.defaults());
    // Measuring and reading the checkpoint's sizes block: off the event loop.
    return vertx.executeBlocking(() -> {
          double seconds;
          try (var device = backend.factory().get()) {
            seconds = Calibration.layerSeconds(modelDir, device);
          }
          return new Measured(seconds, new StageSliceHost(stage, modelDir, backend, config.memoryBytes()));
        }, false)
        .compose(measured -> {
          double layerSeconds = measured.layerSeconds();
          LOG.log(Level.INFO, "worker " + config.nodeId() + ": " + backend.name() + " (" + backend.device()
              + "), " + String.format("%.3f", layerSeconds * 1e3) + " ms per layer per token, budget "
              + MemorySize.format(config.memoryBytes()));
          WorkerProfile profile = new WorkerProfile(backend.name(), backend.device(), layerSeconds);
          WorkerVerticle verticle = new WorkerVerticle(config, profile, measured.host());
          // The stage server starts on the verticle's context, right before the verticle itself.
          return vertx.deployVerticle(new StageStarter(stage))
              .compose(ignored -> vertx.deployVerticle(verticle))
              .map(id -> new WorkerNode(stage, verticle, id));
        });
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

  private record Measured(double layerSeconds, StageSliceHost host) {}

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
