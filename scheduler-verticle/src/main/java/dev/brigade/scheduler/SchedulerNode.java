package dev.brigade.scheduler;

import dev.brigade.scheduler.rewards.RewardsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Starts a scheduler on a clustered Vert.x from a model folder: reads the model's shape and card
 * (off the event loop) and deploys the {@link SchedulerVerticle}. Serves `brigade scheduler` and
 * the in-JVM mesh alike. A second scheduler started this way stands by.
 */
public final class SchedulerNode {
  private SchedulerNode() {}

  /** Reads the model folder; throws naming the folder or file when it cannot. */
  public static SchedulerConfig config(String schedulerId, String joinToken, Path modelDir) {
    return SchedulerConfig.of(schedulerId, joinToken, CheckpointShape.read(modelDir), ModelFiles.card(modelDir));
  }

  public static Future<SchedulerVerticle> start(Vertx vertx, String schedulerId, String joinToken, Path modelDir) {
    return vertx.executeBlocking(() -> config(schedulerId, joinToken, modelDir), false)
        .compose(config -> start(vertx, config));
  }

  public static Future<SchedulerVerticle> start(Vertx vertx, SchedulerConfig config) {
    return start(vertx, config, RewardsConfig.inMemory());
  }

  /** With a rewards ledger as {@code rewards} says (a file for real runs). */
  public static Future<SchedulerVerticle> start(Vertx vertx, SchedulerConfig config, RewardsConfig rewards) {
    SchedulerVerticle verticle = new SchedulerVerticle(config, rewards);
    return vertx.deployVerticle(verticle).map(id -> verticle);
  }
}
