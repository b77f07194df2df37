package dev.brigade.protocol.plan;

import io.vertx.core.json.JsonObject;

/**
 * What the scheduler needs to know about a model to place it: sizes in bytes and work in FLOPs.
 * Qwen3 decoder layers are identical, so one per-layer figure describes every layer.
 *
 * @param layerWeightBytes bytes of one decoder layer's weights as stored (FP8 scales included)
 * @param embeddingBytes token embedding table, held by a pipeline's head stage
 * @param headBytes final norm + lm_head, held by a pipeline's tail stage
 * @param kvBytesPerTokenPerLayer K and V cache bytes for one token in one layer
 * @param activationBytesPerToken hidden-state bytes one token sends between stages
 * @param flopsPerTokenPerLayer matmul FLOPs of one token through one layer
 * @param headFlopsPerToken matmul FLOPs of one token through lm_head
 */
public record ModelShape(
    String name,
    int numLayers,
    long layerWeightBytes,
    long embeddingBytes,
    long headBytes,
    long kvBytesPerTokenPerLayer,
    long activationBytesPerToken,
    double flopsPerTokenPerLayer,
    double headFlopsPerToken) {

  public ModelShape {
    if (numLayers <= 0) throw new IllegalArgumentException("numLayers must be > 0: " + numLayers);
    if (layerWeightBytes <= 0 || embeddingBytes < 0 || headBytes < 0 || kvBytesPerTokenPerLayer < 0)
      throw new IllegalArgumentException("model byte sizes must be positive: " + name);
  }

  /** Bytes one decode step streams through memory at batch 1: every weight once. */
  public long totalWeightBytes() {
    return numLayers * layerWeightBytes + embeddingBytes + headBytes;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("numLayers", numLayers)
        .put("layerWeightBytes", layerWeightBytes)
        .put("embeddingBytes", embeddingBytes)
        .put("headBytes", headBytes)
        .put("kvBytesPerTokenPerLayer", kvBytesPerTokenPerLayer)
        .put("activationBytesPerToken", activationBytesPerToken)
        .put("flopsPerTokenPerLayer", flopsPerTokenPerLayer)
        .put("headFlopsPerToken", headFlopsPerToken);
  }

  public static ModelShape fromJson(JsonObject json) {
    return new ModelShape(
        json.getString("name"),
        json.getInteger("numLayers"),
        json.getLong("layerWeightBytes"),
        json.getLong("embeddingBytes"),
        json.getLong("headBytes"),
        json.getLong("kvBytesPerTokenPerLayer"),
        json.getLong("activationBytesPerToken"),
        json.getDouble("flopsPerTokenPerLayer"),
        json.getDouble("headFlopsPerToken"));
  }
}
