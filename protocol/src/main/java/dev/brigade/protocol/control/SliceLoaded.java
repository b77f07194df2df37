package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * A worker reports the outcome of a {@link SliceAssignment}.
 *
 * @param error null when the slice loaded; otherwise why it could not be loaded
 * @param kvTokens tokens of context the loaded slice's KV cache holds (0 on failure)
 */
public record SliceLoaded(String nodeId, String pipelineId, long epoch, String error, long kvTokens) {

  public SliceLoaded(String nodeId, String pipelineId, long epoch, String error) {
    this(nodeId, pipelineId, epoch, error, 0);
  }

  public static SliceLoaded ok(String nodeId, String pipelineId, long epoch, long kvTokens) {
    return new SliceLoaded(nodeId, pipelineId, epoch, null, kvTokens);
  }

  public boolean succeeded() {
    return error == null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("pipelineId", pipelineId)
        .put("epoch", epoch)
        .put("error", error)
        .put("kvTokens", kvTokens);
  }

  public static SliceLoaded fromJson(JsonObject j) {
    return new SliceLoaded(
        j.getString("nodeId"), j.getString("pipelineId"), j.getLong("epoch", 0L), j.getString("error"),
        j.getLong("kvTokens", 0L));
  }
}
