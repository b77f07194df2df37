package dev.brigade.scheduler.simulation;

/**
 * One simulation's inputs. Times in seconds unless named otherwise.
 *
 * @param qps requests per second; 0 = auto: offer output tokens at 10% of the fleet's upper
 *     bound ({@link FleetBound}), a sixth of what the shipped mix serves when saturated
 * @param churnPerHour share of the fleet leaving per hour (joins replace them on average)
 * @param detectSeconds from a node's loss to the scheduler and gateways acting on it
 * @param diskBytesPerSecond how fast a node loads its slice from its local checkpoint
 * @param loadOverheadSeconds process start and warm-up on top of reading the slice
 * @param queueTimeoutSeconds a request waiting this long for room fails
 * @param repairWaitSeconds ours: a pipeline broken this long without a repair is dissolved and
 *     its survivors return to standby ({@link dev.brigade.scheduler.plan.Repairer#giveUp})
 * @param scriptedLeaves extra departures at fixed times (for scenarios with known answers);
 *     starting nodes are named n0, n1, ...
 */
public record SimConfig(
    int nodes,
    String preset,
    double hours,
    double churnPerHour,
    double qps,
    FleetMix mix,
    long seed,
    double detectSeconds,
    double diskBytesPerSecond,
    double loadOverheadSeconds,
    double queueTimeoutSeconds,
    double repairWaitSeconds,
    double sampleSeconds,
    java.util.List<ScriptedLeave> scriptedLeaves) {

  /** Node {@code nodeId} leaves at {@code atSeconds}. */
  public record ScriptedLeave(String nodeId, double atSeconds) {}

  public SimConfig {
    if (nodes < 0) throw new IllegalArgumentException("--nodes must be >= 0, got " + nodes);
    if (!(hours > 0)) throw new IllegalArgumentException("--hours must be > 0, got " + hours);
    if (churnPerHour < 0 || churnPerHour >= 10)
      throw new IllegalArgumentException("--churn must be in [0, 10) (share of nodes leaving per hour), got " + churnPerHour);
    if (qps < 0) throw new IllegalArgumentException("--qps must be >= 0 (0 = auto), got " + qps);
    scriptedLeaves = java.util.List.copyOf(scriptedLeaves);
  }

  /** The scheduler's own default. */
  public static final double DEFAULT_REPAIR_WAIT_SECONDS =
      dev.brigade.scheduler.SchedulerConfig.DEFAULT_REPAIR_WAIT.toMillis() / 1e3;

  public static SimConfig of(int nodes, String preset, double hours, double churn, double qps, FleetMix mix, long seed) {
    return new SimConfig(nodes, preset, hours, churn, qps, mix, seed, 5.0, 2e9, 10.0, 30.0,
        DEFAULT_REPAIR_WAIT_SECONDS, 60.0, java.util.List.of());
  }

  public SimConfig withScriptedLeaves(java.util.List<ScriptedLeave> leaves) {
    return new SimConfig(nodes, preset, hours, churnPerHour, qps, mix, seed, detectSeconds, diskBytesPerSecond,
        loadOverheadSeconds, queueTimeoutSeconds, repairWaitSeconds, sampleSeconds, leaves);
  }

  public double durationSeconds() {
    return hours * 3600;
  }
}
