package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * The scheduler tells a worker to drop its slice of {@code pipelineId}. Ignored when the worker
 * serves another pipeline or a newer epoch (so a late unload never removes a fresh slice).
 */
public record Unload(String nodeId, String pipelineId, long epoch) {

  public JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("pipelineId", pipelineId).put("epoch", epoch);
  }

  public static Unload fromJson(JsonObject j) {
    return new Unload(j.getString("nodeId"), j.getString("pipelineId"), j.getLong("epoch", 0L));
  }
}
