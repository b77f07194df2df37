package dev.brigade.scheduler.simulation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One policy's figures. The allocator timings (this thread's CPU time and wall time per
 * scheduler call) and wallSeconds are clock readings; the rest follow from the seed alone.
 */
public record SimResult(
    String policy,
    long requests,
    long completed,
    long completedAfterFailover,
    long failedMidStream,
    long refused,
    long inFlightAtEnd,
    double servedTokensPerSecond,
    double boundTokensPerSecond,
    double bandwidthBoundTokensPerSecond,
    double[] ttft,
    double[] itl,
    long repairs,
    double[] repairSeconds,
    double meanReadyPipelines,
    int minReadyPipelines,
    long nodeLosses,
    long nodeJoins,
    Series series,
    long allocatorEvents,
    double[] allocatorSeconds,
    double[] allocatorWallSeconds,
    double initialAllocationSeconds,
    double wallSeconds) {

  /** Per-sample time series (one point per sample interval). */
  public record Series(double[] hours, double[] tokensPerSecond, double[] readyPipelines, double[] nodesOnline, double[] boundTokensPerSecond) {}

  /** Requests that ended (not still running when the simulation stopped). */
  public long finished() {
    return completed + failedMidStream + refused;
  }

  public double completedShare() {
    return share(completed);
  }

  public double failoverShare() {
    return share(completedAfterFailover);
  }

  public double failedShare() {
    return share(failedMidStream + refused);
  }

  public double servedShareOfBound() {
    return boundTokensPerSecond == 0 ? 0 : servedTokensPerSecond / boundTokensPerSecond;
  }

  /** Served over the batch-1 bandwidth bound (the definition; batching exceeds it). */
  public double servedShareOfBandwidthBound() {
    return bandwidthBoundTokensPerSecond == 0 ? 0 : servedTokensPerSecond / bandwidthBoundTokensPerSecond;
  }

  private double share(long n) {
    return finished() == 0 ? 0 : (double) n / finished();
  }

  /** Figures that depend only on the seed (no clock readings). */
  public JsonObject deterministicJson() {
    return new JsonObject()
        .put("policy", policy)
        .put("requests", requests)
        .put("completed", completed)
        .put("completedAfterFailover", completedAfterFailover)
        .put("failedMidStream", failedMidStream)
        .put("refused", refused)
        .put("inFlightAtEnd", inFlightAtEnd)
        .put("completedShare", completedShare())
        .put("failoverShare", failoverShare())
        .put("failedShare", failedShare())
        .put("servedTokensPerSecond", servedTokensPerSecond)
        .put("boundTokensPerSecond", boundTokensPerSecond)
        .put("servedShareOfBound", servedShareOfBound())
        .put("bandwidthBoundTokensPerSecond", bandwidthBoundTokensPerSecond)
        .put("servedShareOfBandwidthBound", servedShareOfBandwidthBound())
        .put("ttftSeconds", percentiles(ttft))
        .put("itlSeconds", percentiles(itl))
        .put("repairs", repairs)
        .put("repairSeconds", percentiles(repairSeconds))
        .put("meanReadyPipelines", meanReadyPipelines)
        .put("minReadyPipelines", minReadyPipelines)
        .put("nodeLosses", nodeLosses)
        .put("nodeJoins", nodeJoins);
  }

  public JsonObject toJson() {
    return deterministicJson()
        .put("allocatorEvents", allocatorEvents)
        .put("allocatorCpuSecondsPerEvent", percentiles(allocatorSeconds))
        .put("allocatorWallSecondsPerEvent", percentiles(allocatorWallSeconds))
        .put("initialAllocationSeconds", initialAllocationSeconds)
        .put("wallSeconds", wallSeconds);
  }

  /** {p50, p90, p99, max} as JSON. */
  static JsonObject percentiles(double[] q) {
    return new JsonObject().put("p50", q[0]).put("p90", q[1]).put("p99", q[2]).put("max", q[3]);
  }

  static double[] quantiles(Histogram h) {
    return new double[] {h.quantile(0.5), h.quantile(0.9), h.quantile(0.99), h.max()};
  }

  static JsonArray array(double[] values) {
    JsonArray a = new JsonArray();
    for (double v : values) a.add(v);
    return a;
  }
}
