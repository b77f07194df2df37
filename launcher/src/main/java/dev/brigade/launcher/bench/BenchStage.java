package dev.brigade.launcher.bench;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.protocol.control.SliceAssignment;
import dev.brigade.worker.stage.StageFigures;
import dev.brigade.worker.stage.StageServer;
import dev.brigade.worker.stage.StageSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * One benchmark stage node: the worker's real data plane ({@link StageServer}) with a small
 * control address through which the benchmark, not a scheduler, loads exactly the slice it
 * wants and reads the stage's figures. Runs in a `brigade bench-stage` process (or in the
 * benchmark's JVM with {@code --in-jvm}).
 *
 * <p>Control messages are JSON: {@code {"op":"load","assignment":{...},"kvBytes":N}}, {@code
 * {"op":"unload"}} and {@code {"op":"figures"}}; each is answered when done.
 */
public final class BenchStage {
  private static final String CONTROL_PREFIX = "brigade.bench.stage.";

  private final Vertx vertx;
  private final Path model;
  private final String backend;
  private final StageServer server;
  private MessageConsumer<JsonObject> control;

  private BenchStage(Vertx vertx, String nodeId, Path model, String backend) {
    this.vertx = vertx;
    this.model = model;
    this.backend = backend;
    this.server = new StageServer(vertx, nodeId, StageSettings.defaults());
  }

  /** The control address of node {@code nodeId}. */
  public static String controlAddress(String nodeId) {
    return CONTROL_PREFIX + nodeId;
  }

  /** Starts the stage and its control address; call from a context of {@code vertx}. */
  public static Future<BenchStage> start(Vertx vertx, String nodeId, Path model, String backend) {
    BenchStage stage = new BenchStage(vertx, nodeId, model, backend);
    return stage.server.start().compose(v -> {
      stage.control = vertx.eventBus().consumer(controlAddress(nodeId), stage::onControl);
      return stage.control.completion();
    }).map(stage);
  }

  /** "cpu" or "scalar". */
  static Backend backend(String name) {
    return "scalar".equals(name) ? new ScalarBackend() : new CpuBackend();
  }

  private void onControl(Message<JsonObject> m) {
    JsonObject body = m.body();
    String op = body == null ? null : body.getString("op");
    Future<JsonObject> done = switch (op == null ? "" : op) {
      case "load" -> server.load(SliceAssignment.fromJson(body.getJsonObject("assignment")), model,
          backend(backend), body.getLong("kvBytes")).map(v -> new JsonObject());
      case "unload" -> server.unload().map(v -> new JsonObject());
      case "figures" -> Future.succeededFuture(figures(server.figures()));
      default -> Future.failedFuture("unknown bench stage op " + op);
    };
    done.onSuccess(m::reply).onFailure(e -> m.fail(500, String.valueOf(e.getMessage())));
  }

  static JsonObject figures(StageFigures f) {
    long batches = f.batches();
    return new JsonObject()
        .put("batches", batches)
        .put("entries", Math.round(f.meanBatchEntries() * batches))
        .put("rows", f.batchRows())
        .put("computeNanos", f.computeNanos())
        .put("jitMillis", JitClock.millis())
        .put("cores", Runtime.getRuntime().availableProcessors());
  }

  /** Stops listening and drops the slice. */
  public Future<Void> close() {
    Future<Void> c = control == null ? Future.succeededFuture() : control.unregister();
    return c.eventually(server::close);
  }
}
