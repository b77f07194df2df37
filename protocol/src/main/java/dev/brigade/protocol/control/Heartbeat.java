package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * A worker's periodic sign of life with its load.
 *
 * @param activeSequences sequences whose KV cache the worker holds now
 * @param freeMemoryBytes budget left after weights and KV cache
 */
public record Heartbeat(String nodeId, int activeSequences, long freeMemoryBytes) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("activeSequences", activeSequences)
        .put("freeMemoryBytes", freeMemoryBytes);
  }

  public static Heartbeat fromJson(JsonObject j) {
    return new Heartbeat(
        j.getString("nodeId"), j.getInteger("activeSequences", 0), j.getLong("freeMemoryBytes", 0L));
  }
}
