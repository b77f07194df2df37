package dev.brigade.protocol.plan;

import io.vertx.core.json.JsonObject;

/**
 * One node as the allocator sees it.
 *
 * @param memoryBytes memory the node offers for weights and KV cache
 * @param layerSeconds measured decode seconds of one token through one layer (batch 1)
 * @param memoryBandwidth bytes/s, 0 when unknown
 * @param flops FLOP/s, 0 when unknown
 * @param region a region name; nodes of one region are grouped first
 * @param latitude degrees, for the round-trip model ({@link Geo})
 * @param longitude degrees
 */
public record NodeSpec(
    String nodeId,
    long memoryBytes,
    double layerSeconds,
    double memoryBandwidth,
    double flops,
    String region,
    double latitude,
    double longitude) {

  public NodeSpec {
    if (nodeId == null || nodeId.isEmpty()) throw new IllegalArgumentException("nodeId is empty");
    if (memoryBytes < 0) throw new IllegalArgumentException("negative memory for " + nodeId);
    if (!(layerSeconds > 0)) throw new IllegalArgumentException("layerSeconds must be > 0 for " + nodeId);
    if (region == null) region = "";
  }

  /** A node known only by memory and speed (one region, no coordinates). */
  public static NodeSpec of(String nodeId, long memoryBytes, double layerSeconds) {
    return new NodeSpec(nodeId, memoryBytes, layerSeconds, 0, 0, "", 0, 0);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("memoryBytes", memoryBytes)
        .put("layerSeconds", layerSeconds)
        .put("memoryBandwidth", memoryBandwidth)
        .put("flops", flops)
        .put("region", region)
        .put("latitude", latitude)
        .put("longitude", longitude);
  }

  public static NodeSpec fromJson(JsonObject json) {
    return new NodeSpec(
        json.getString("nodeId"),
        json.getLong("memoryBytes"),
        json.getDouble("layerSeconds"),
        json.getDouble("memoryBandwidth", 0.0),
        json.getDouble("flops", 0.0),
        json.getString("region", ""),
        json.getDouble("latitude", 0.0),
        json.getDouble("longitude", 0.0));
  }
}
