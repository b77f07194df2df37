package dev.brigade.protocol;

/** Event-bus addresses. Per-node addresses end with the node id. */
public final class Addresses {
  private Addresses() {}

  /** Requests to the active scheduler: register, heartbeat, slice loaded, ... */
  public static final String SCHEDULER = "brigade.scheduler";

  /** Control messages to one worker (slice assignments, unload). */
  public static String workerControl(String nodeId) {
    return "brigade.worker." + nodeId + ".control";
  }

  /** Data frames into one worker's stage (activations, starts, tokens fed back, frees). */
  public static String workerStage(String nodeId) {
    return "brigade.worker." + nodeId + ".stage";
  }

  /** Token events back to the gateway that owns a sequence. */
  public static String gatewayTokens(String gatewayId) {
    return "brigade.gateway." + gatewayId + ".tokens";
  }
}
