package dev.brigade.launcher;

import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import dev.brigade.scheduler.SchedulerConfig;
import dev.brigade.scheduler.SchedulerNode;
import dev.brigade.scheduler.rewards.RewardsConfig;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade scheduler --model DIR [--token T] [--join HOST:PORT] ...}: runs the scheduler
 * until killed. A second scheduler in the same cluster stands by and takes over when the active
 * one dies.
 */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = "Run the scheduler: admits workers, forms and repairs pipelines. Serves until killed.")
public final class SchedulerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model folder: layer sizes for planning, and the card (config, tokenizer) gateways read.")
  Path model;

  @Option(names = "--token", paramLabel = "T",
      description = "Join token workers must present. Default: none (any worker may join).")
  String token;

  @Option(names = "--id", paramLabel = "ID", description = "This scheduler's name. Default: scheduler-<pid>.")
  String id;

  @Option(names = "--max-token-seconds", paramLabel = "S", defaultValue = "0.5",
      description = "Pipelines slower than this per token (batch 1, as measured by the workers) are not formed."
          + " Default: ${DEFAULT-VALUE}.")
  double maxTokenSeconds;

  @Option(names = "--repair-wait", paramLabel = "DURATION", defaultValue = "5m",
      description = "How long a broken pipeline waits for a joining node that fills its gap before it is"
          + " dissolved and its nodes serve elsewhere (500ms, 90s, 5m, 1h; 0s: wait for ever). Default: ${DEFAULT-VALUE}.")
  String repairWait;

  @Mixin ClusterFlags cluster;

  @Mixin RewardsFlags rewards;

  @Override
  public Integer call() throws Exception {
    Path dir = ModelDir.check(model);
    String schedulerId = id != null ? id : "scheduler-" + ProcessHandle.current().pid();
    ClusterOptions options = cluster.options("scheduler", schedulerId);
    SchedulerConfig config = SchedulerNode.config(schedulerId, token, dir).withMaxTokenSeconds(maxTokenSeconds)
        .withRepairWait(DurationText.parse("--repair-wait", repairWait));
    RewardsConfig ledger = rewards.config();
    Vertx vertx = Serving.await(ClusterBootstrap.start(options));
    try {
      Serving.await(SchedulerNode.start(vertx, config, ledger));
    } catch (Exception e) {
      Serving.closeQuietly(vertx);
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("brigade scheduler " + schedulerId + ": serving " + config.shape().name() + " ("
        + config.shape().numLayers() + " layers) in cluster " + options.clusterName()
        + (token == null ? "" : ", join token required") + "; rewards ledger " + ledger.ledgerFile());
    out.flush();
    Serving.untilKilled(vertx);
    return 0;
  }
}
