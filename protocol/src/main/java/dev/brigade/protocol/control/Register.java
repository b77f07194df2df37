package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * A worker asks to join. It reports what the allocator needs: usable memory and the decode time
 * of one layer measured at start.
 *
 * @param clusterMemberId the worker's Vert.x cluster node id, so the scheduler can match
 *     Hazelcast membership events to Brigade nodes
 * @param memoryBytes memory budget for weights and KV cache
 * @param layerSeconds measured seconds per decoder layer for one decode token
 * @param backend "cpu" or "cuda"
 * @param device a human-readable device description
 */
public record Register(
    int protocolVersion,
    String joinToken,
    String nodeId,
    String clusterMemberId,
    long memoryBytes,
    double layerSeconds,
    String backend,
    String device) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("protocolVersion", protocolVersion)
        .put("joinToken", joinToken)
        .put("nodeId", nodeId)
        .put("clusterMemberId", clusterMemberId)
        .put("memoryBytes", memoryBytes)
        .put("layerSeconds", layerSeconds)
        .put("backend", backend)
        .put("device", device);
  }

  public static Register fromJson(JsonObject j) {
    return new Register(
        j.getInteger("protocolVersion", 0),
        j.getString("joinToken"),
        j.getString("nodeId"),
        j.getString("clusterMemberId"),
        j.getLong("memoryBytes", 0L),
        j.getDouble("layerSeconds", 0.0),
        j.getString("backend"),
        j.getString("device"));
  }
}
