package dev.brigade.protocol.plan;

import io.vertx.core.json.JsonObject;

/**
 * One node's slice of a pipeline: layers [start, end).
 *
 * @param tokenSeconds expected decode seconds of one token through this slice at batch 1
 *     (its layers, plus lm_head when it is the tail)
 */
public record Stage(String nodeId, int start, int end, double tokenSeconds) {

  public Stage {
    if (start < 0 || end <= start)
      throw new IllegalArgumentException("bad layer range [" + start + ", " + end + ") for " + nodeId);
  }

  public int layers() {
    return end - start;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("start", start)
        .put("end", end)
        .put("tokenSeconds", tokenSeconds);
  }

  public static Stage fromJson(JsonObject json) {
    return new Stage(
        json.getString("nodeId"),
        json.getInteger("start"),
        json.getInteger("end"),
        json.getDouble("tokenSeconds", 0.0));
  }
}
