package dev.brigade.protocol.rewards;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Work one pipeline did for one attempt of one sequence, in layer-tokens (one token, prompt or
 * generated, through one layer on one node). Computed by the gateway from the pipeline's path,
 * never reported by the workers themselves.
 *
 * @param key idempotency key: the ledger counts a credit with a given key once, however often it
 *     is sent
 * @param tokens tokens that passed through every stage of the pipeline in this attempt
 * @param lines one per node of the pipeline: its layers and layer-tokens
 */
public record Credit(String key, String sequenceId, String pipelineId, int attempt, long tokens, List<Line> lines) {

  /** One node's part: {@code layerTokens = tokens x layers}. */
  public record Line(String nodeId, int layers, long layerTokens) {
    public Line {
      Objects.requireNonNull(nodeId, "nodeId");
      if (layers < 1 || layerTokens < 0) {
        throw new IllegalArgumentException("bad credit line for " + nodeId + ": " + layers + " layers, " + layerTokens + " layer-tokens");
      }
    }

    JsonObject toJson() {
      return new JsonObject().put("nodeId", nodeId).put("layers", layers).put("layerTokens", layerTokens);
    }

    static Line fromJson(JsonObject j) {
      return new Line(j.getString("nodeId"), j.getInteger("layers", 0), j.getLong("layerTokens", -1L));
    }
  }

  public Credit {
    Objects.requireNonNull(key, "credit key");
    if (key.isEmpty()) throw new IllegalArgumentException("credit key is empty");
    lines = List.copyOf(lines);
    if (tokens < 0) throw new IllegalArgumentException("credit " + key + " has negative tokens: " + tokens);
  }

  /** Sum of layer-tokens over the lines. */
  public long layerTokens() {
    long sum = 0;
    for (Line l : lines) sum += l.layerTokens();
    return sum;
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    lines.forEach(l -> array.add(l.toJson()));
    return new JsonObject()
        .put("key", key)
        .put("sequenceId", sequenceId)
        .put("pipelineId", pipelineId)
        .put("attempt", attempt)
        .put("tokens", tokens)
        .put("lines", array);
  }

  public static Credit fromJson(JsonObject j) {
    List<Line> lines = new ArrayList<>();
    JsonArray array = j.getJsonArray("lines");
    if (array == null) throw new IllegalArgumentException("credit has no lines");
    for (Object o : array) lines.add(Line.fromJson((JsonObject) o));
    return new Credit(j.getString("key"), j.getString("sequenceId"), j.getString("pipelineId"),
        j.getInteger("attempt", 0), j.getLong("tokens", 0L), lines);
  }

  /** A batch as it travels to {@link dev.brigade.protocol.Addresses#CREDITS}. */
  public static JsonObject batch(List<Credit> credits) {
    JsonArray array = new JsonArray();
    credits.forEach(c -> array.add(c.toJson()));
    return new JsonObject().put("credits", array);
  }

  public static List<Credit> fromBatch(JsonObject body) {
    JsonArray array = body == null ? null : body.getJsonArray("credits");
    if (array == null) throw new IllegalArgumentException("credit batch has no \"credits\" array");
    List<Credit> out = new ArrayList<>(array.size());
    for (Object o : array) out.add(fromJson((JsonObject) o));
    return out;
  }
}
