package dev.brigade.worker;

import java.time.Duration;

/**
 * Settings of one worker, validated once here.
 *
 * @param nodeId this worker's Brigade id (unique in the cluster)
 * @param joinToken presented to the scheduler; null when the cluster needs none
 * @param memoryBytes budget for weights and KV cache
 * @param heartbeatInterval how often the worker reports to the scheduler
 * @param requestTimeout send timeout of every request the worker makes on the event bus
 */
public record WorkerConfig(
    String nodeId, String joinToken, long memoryBytes, Duration heartbeatInterval, Duration requestTimeout) {

  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  public WorkerConfig {
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException("worker node id is empty");
    }
    if (memoryBytes <= 0) {
      throw new IllegalArgumentException("worker memory must be positive: " + memoryBytes);
    }
    if (heartbeatInterval == null || heartbeatInterval.toMillis() < 10) {
      throw new IllegalArgumentException("heartbeat interval must be at least 10 ms: " + heartbeatInterval);
    }
    if (requestTimeout == null || requestTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
    }
  }

  public static WorkerConfig of(String nodeId, String joinToken, long memoryBytes) {
    return new WorkerConfig(nodeId, joinToken, memoryBytes, DEFAULT_HEARTBEAT, DEFAULT_REQUEST_TIMEOUT);
  }
}
