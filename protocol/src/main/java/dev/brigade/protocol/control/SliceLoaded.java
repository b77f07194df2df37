package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * A worker reports the outcome of a {@link SliceAssignment}.
 *
 * @param error null when the slice loaded; otherwise why it could not be loaded
 */
public record SliceLoaded(String nodeId, String pipelineId, long epoch, String error) {

  public static SliceLoaded ok(String nodeId, String pipelineId, long epoch) {
    return new SliceLoaded(nodeId, pipelineId, epoch, null);
  }

  public boolean succeeded() {
    return error == null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("pipelineId", pipelineId)
        .put("epoch", epoch)
        .put("error", error);
  }

  public static SliceLoaded fromJson(JsonObject j) {
    return new SliceLoaded(
        j.getString("nodeId"), j.getString("pipelineId"), j.getLong("epoch", 0L), j.getString("error"));
  }
}
