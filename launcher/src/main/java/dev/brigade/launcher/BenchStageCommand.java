package dev.brigade.launcher;

import dev.brigade.launcher.bench.BenchStage;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.worker.WorkerNode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade bench-stage}: one stage of {@code brigade bench-mesh}, in a JVM of its own.
 * The benchmark starts it, tells it which slice to load over the event bus, and stops it; it
 * also ends by itself when the benchmark's process is gone.
 */
@Command(
    name = "bench-stage",
    hidden = true,
    description = "One stage process of bench-mesh (started by it; not for direct use).")
public final class BenchStageCommand implements Callable<Integer> {
  /** The line printed once the stage listens; the benchmark waits for it. */
  public static final String READY = "bench-stage ready";

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR") Path model;

  @Option(names = "--id", required = true, paramLabel = "ID") String id;

  @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME") String backend;

  @Option(names = "--parent-pid", paramLabel = "PID", description = "Exit when this process ends.")
  long parentPid;

  @Mixin ClusterFlags cluster;

  @Override
  public Integer call() throws Exception {
    Path dir = ModelDir.check(model);
    ParentWatch.haltWhenGone(parentPid);
    Vertx vertx = Serving.await(ClusterBootstrap.start(cluster.options("worker", id), Map.of(),
        WorkerNode.processVertxOptions()));
    Promise<BenchStage> started = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> BenchStage.start(vertx, id, dir, backend).onComplete(started));
    try {
      Serving.await(started.future());
    } catch (Exception e) {
      Serving.closeQuietly(vertx);
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(READY + " " + id);
    out.flush();
    Serving.untilKilled(vertx);
    return 0;
  }
}
