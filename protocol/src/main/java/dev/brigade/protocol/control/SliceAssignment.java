package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * The scheduler's order to a worker: serve layers [layerStart, layerEnd) as stage stageIndex
 * of pipeline pipelineId.
 *
 * @param nextNodeId the node of the next stage, or null when this stage is the tail
 * @param headNodeId the node of stage 0 (the tail sends each sampled token back to it)
 * @param epoch increases with every re-plan; a worker ignores assignments older than its own
 */
public record SliceAssignment(
    String pipelineId,
    int stageIndex,
    int stageCount,
    String nodeId,
    int layerStart,
    int layerEnd,
    int numLayers,
    String nextNodeId,
    String headNodeId,
    long epoch) {

  public boolean isHead() {
    return layerStart == 0;
  }

  public boolean isTail() {
    return layerEnd == numLayers;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("pipelineId", pipelineId)
        .put("stageIndex", stageIndex)
        .put("stageCount", stageCount)
        .put("nodeId", nodeId)
        .put("layerStart", layerStart)
        .put("layerEnd", layerEnd)
        .put("numLayers", numLayers)
        .put("nextNodeId", nextNodeId)
        .put("headNodeId", headNodeId)
        .put("epoch", epoch);
  }

  public static SliceAssignment fromJson(JsonObject j) {
    return new SliceAssignment(
        j.getString("pipelineId"),
        j.getInteger("stageIndex"),
        j.getInteger("stageCount"),
        j.getString("nodeId"),
        j.getInteger("layerStart"),
        j.getInteger("layerEnd"),
        j.getInteger("numLayers"),
        j.getString("nextNodeId"),
        j.getString("headNodeId"),
        j.getLong("epoch"));
  }
}
