package dev.brigade.scheduler;

import dev.brigade.protocol.control.ModelCard;
import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.scheduler.plan.AllocatorConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one scheduler, validated here once.
 *
 * @param schedulerId names this scheduler in the leader entry and the logs
 * @param joinToken workers must present it; null or empty admits any worker
 * @param shape the model's sizes, from the checkpoint, for the allocator
 * @param card what gateways need to serve the model, published in {@code brigade.model}
 * @param heartbeatTimeout a node silent this long is declared gone
 * @param planDelay how long to wait after a join before planning, so workers starting together
 *     are planned together
 * @param requestTimeout send timeout of every request the scheduler makes on the event bus
 * @param allocator the planner's settings (KV reserve, latency ceiling, longest pipeline)
 * @param rebalanceEvery how often a full re-plan is considered (zero: never)
 * @param repairWait how long a broken pipeline waits for a node that fills its gap before it is
 *     dissolved and its survivors return to standby (zero: it waits for ever)
 */
public record SchedulerConfig(
    String schedulerId,
    String joinToken,
    ModelShape shape,
    ModelCard card,
    Duration heartbeatTimeout,
    Duration planDelay,
    Duration requestTimeout,
    AllocatorConfig allocator,
    Duration rebalanceEvery,
    Duration repairWait) {

  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_PLAN_DELAY = Duration.ofMillis(1500);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REBALANCE = Duration.ofMinutes(5);
  /** Joins at community scale come every few seconds; a gap none of them fits in 5 minutes is unlikely to close soon. */
  public static final Duration DEFAULT_REPAIR_WAIT = Duration.ofMinutes(5);

  public SchedulerConfig {
    Objects.requireNonNull(schedulerId, "schedulerId");
    Objects.requireNonNull(shape, "model shape");
    Objects.requireNonNull(card, "model card");
    if (heartbeatTimeout == null || heartbeatTimeout.toMillis() < 100) {
      throw new IllegalArgumentException("heartbeat timeout must be at least 100 ms: " + heartbeatTimeout);
    }
    if (planDelay == null || planDelay.isNegative()) {
      throw new IllegalArgumentException("plan delay must not be negative: " + planDelay);
    }
    Objects.requireNonNull(allocator, "allocator config");
    if (rebalanceEvery == null || rebalanceEvery.isNegative()) {
      throw new IllegalArgumentException("rebalance interval must not be negative: " + rebalanceEvery);
    }
    if (repairWait == null || repairWait.isNegative()) {
      throw new IllegalArgumentException("repair wait must not be negative: " + repairWait);
    }
    if (requestTimeout == null || requestTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
    }
  }

  /** Defaults for timing. */
  public static SchedulerConfig of(String schedulerId, String joinToken, ModelShape shape, ModelCard card) {
    return new SchedulerConfig(schedulerId, joinToken, shape, card,
        DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_PLAN_DELAY, DEFAULT_REQUEST_TIMEOUT, AllocatorConfig.DEFAULT,
        DEFAULT_REBALANCE, DEFAULT_REPAIR_WAIT);
  }

  public SchedulerConfig withTimings(Duration heartbeat, Duration plan) {
    return new SchedulerConfig(schedulerId, joinToken, shape, card, heartbeat, plan, requestTimeout, allocator,
        rebalanceEvery, repairWait);
  }

  /**
   * Pipelines slower than {@code seconds} per token at batch 1 are not formed. CPU clusters
   * serving large models, and tests on a loaded machine, raise it.
   */
  public SchedulerConfig withMaxTokenSeconds(double seconds) {
    if (!(seconds > 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException("--max-token-seconds " + seconds + " must be a positive number");
    }
    AllocatorConfig a = new AllocatorConfig(allocator.kvTokensPerLayer(), seconds,
        allocator.linkBytesPerSecond(), allocator.maxStages());
    return new SchedulerConfig(schedulerId, joinToken, shape, card, heartbeatTimeout, planDelay, requestTimeout, a,
        rebalanceEvery, repairWait);
  }

  public SchedulerConfig withRebalanceEvery(Duration every) {
    return new SchedulerConfig(schedulerId, joinToken, shape, card, heartbeatTimeout, planDelay, requestTimeout,
        allocator, every, repairWait);
  }

  public SchedulerConfig withRepairWait(Duration wait) {
    return new SchedulerConfig(schedulerId, joinToken, shape, card, heartbeatTimeout, planDelay, requestTimeout,
        allocator, rebalanceEvery, wait);
  }
}
