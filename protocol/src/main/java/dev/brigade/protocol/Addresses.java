package dev.brigade.protocol;

/** Event-bus addresses. Per-node addresses end with the node id. */
public final class Addresses {
  private Addresses() {}

  /** Requests to the active scheduler: register, heartbeat, slice loaded, ... */
  public static final String SCHEDULER = "brigade.scheduler";

  /**
   * Layer-token credits to the active scheduler's rewards ledger: a JSON body {@code
   * {"credits":[Credit...]}}; the reply comes only after the batch is committed.
   */
  public static final String CREDITS = "brigade.scheduler.credits";

  /**
   * Reward reports from the active scheduler's ledger: {@code {"epoch":N}} or {@code {}} for the
   * current epoch; the reply is a report, or a failure with code 404 for an unknown epoch.
   */
  public static final String REWARDS = "brigade.scheduler.rewards";

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
