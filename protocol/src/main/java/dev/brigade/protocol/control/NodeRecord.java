package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * One worker as the scheduler keeps it in {@code brigade.nodes} (JSON text, one entry per node).
 *
 * @param pipelineId the pipeline it serves or loads for, null on standby
 * @param layerStart first layer of its slice (0 when it has none)
 * @param layerEnd one past its slice's last layer (0 when it has none)
 * @param lastHeartbeatMillis scheduler wall clock when it last heard from the node
 */
public record NodeRecord(
    String nodeId,
    String clusterMemberId,
    NodeState state,
    long memoryBytes,
    double layerSeconds,
    String backend,
    String device,
    int activeSequences,
    long freeMemoryBytes,
    long lastHeartbeatMillis,
    String pipelineId,
    int layerStart,
    int layerEnd,
    long epoch) {

  /** A freshly registered node, not yet placed. */
  public static NodeRecord joined(Register r, long nowMillis) {
    return new NodeRecord(
        r.nodeId(), r.clusterMemberId(), NodeState.JOINING, r.memoryBytes(), r.layerSeconds(),
        r.backend(), r.device(), 0, r.memoryBytes(), nowMillis, null, 0, 0, 0L);
  }

  public boolean alive() {
    return state != NodeState.GONE;
  }

  public NodeRecord withState(NodeState s) {
    return new NodeRecord(nodeId, clusterMemberId, s, memoryBytes, layerSeconds, backend, device,
        activeSequences, freeMemoryBytes, lastHeartbeatMillis, pipelineId, layerStart, layerEnd, epoch);
  }

  public NodeRecord withHeartbeat(Heartbeat h, long nowMillis) {
    return new NodeRecord(nodeId, clusterMemberId, state, memoryBytes, layerSeconds, backend, device,
        h.activeSequences(), h.freeMemoryBytes(), nowMillis, pipelineId, layerStart, layerEnd, epoch);
  }

  /** Placed on a slice (state LOADING until the worker confirms). */
  public NodeRecord assigned(SliceAssignment a) {
    return new NodeRecord(nodeId, clusterMemberId, NodeState.LOADING, memoryBytes, layerSeconds,
        backend, device, activeSequences, freeMemoryBytes, lastHeartbeatMillis, a.pipelineId(),
        a.layerStart(), a.layerEnd(), a.epoch());
  }

  /** Back to the spare pool without a slice. */
  public NodeRecord unplaced(NodeState s) {
    return new NodeRecord(nodeId, clusterMemberId, s, memoryBytes, layerSeconds, backend, device,
        activeSequences, freeMemoryBytes, lastHeartbeatMillis, null, 0, 0, epoch);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("clusterMemberId", clusterMemberId)
        .put("state", state.name())
        .put("memoryBytes", memoryBytes)
        .put("layerSeconds", layerSeconds)
        .put("backend", backend)
        .put("device", device)
        .put("activeSequences", activeSequences)
        .put("freeMemoryBytes", freeMemoryBytes)
        .put("lastHeartbeatMillis", lastHeartbeatMillis)
        .put("pipelineId", pipelineId)
        .put("layerStart", layerStart)
        .put("layerEnd", layerEnd)
        .put("epoch", epoch);
  }

  public static NodeRecord fromJson(JsonObject j) {
    return new NodeRecord(
        j.getString("nodeId"),
        j.getString("clusterMemberId"),
        NodeState.valueOf(j.getString("state")),
        j.getLong("memoryBytes", 0L),
        j.getDouble("layerSeconds", 0.0),
        j.getString("backend"),
        j.getString("device"),
        j.getInteger("activeSequences", 0),
        j.getLong("freeMemoryBytes", 0L),
        j.getLong("lastHeartbeatMillis", 0L),
        j.getString("pipelineId"),
        j.getInteger("layerStart", 0),
        j.getInteger("layerEnd", 0),
        j.getLong("epoch", 0L));
  }
}
