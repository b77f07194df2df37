package dev.brigade.protocol.plan;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of stages that together hold every layer once, head first.
 *
 * @param hopSeconds network time of one token around the ring (stage to stage, tail back to
 *     head), activation transfer included
 * @param tokenCapacity context tokens (prompt + output, summed over sequences) every stage can
 *     keep in its KV cache at once
 */
public record PipelineSpec(
    String id, List<Stage> stages, PipelineState state, double hopSeconds, long tokenCapacity) {

  public PipelineSpec {
    stages = List.copyOf(stages);
    if (stages.isEmpty()) throw new IllegalArgumentException("pipeline " + id + " has no stages");
  }

  public PipelineSpec withState(PipelineState next) {
    return new PipelineSpec(id, stages, next, hopSeconds, tokenCapacity);
  }

  /** Expected decode seconds per token at batch 1: every stage plus the hops. */
  public double tokenSeconds() {
    double sum = hopSeconds;
    for (Stage s : stages) sum += s.tokenSeconds();
    return sum;
  }

  /** The slowest stage's seconds per token: what limits throughput once the pipe is full. */
  public double bottleneckSeconds() {
    double max = 0;
    for (Stage s : stages) max = Math.max(max, s.tokenSeconds());
    return max;
  }

  public Stage head() {
    return stages.getFirst();
  }

  public Stage tail() {
    return stages.getLast();
  }

  public List<String> nodeIds() {
    List<String> ids = new ArrayList<>(stages.size());
    for (Stage s : stages) ids.add(s.nodeId());
    return ids;
  }

  public boolean uses(String nodeId) {
    for (Stage s : stages) if (s.nodeId().equals(nodeId)) return true;
    return false;
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    for (Stage s : stages) array.add(s.toJson());
    return new JsonObject()
        .put("id", id)
        .put("stages", array)
        .put("state", state.name())
        .put("hopSeconds", hopSeconds)
        .put("tokenCapacity", tokenCapacity);
  }

  public static PipelineSpec fromJson(JsonObject json) {
    List<Stage> stages = new ArrayList<>();
    for (Object o : json.getJsonArray("stages")) stages.add(Stage.fromJson((JsonObject) o));
    return new PipelineSpec(
        json.getString("id"),
        stages,
        PipelineState.valueOf(json.getString("state")),
        json.getDouble("hopSeconds", 0.0),
        json.getLong("tokenCapacity", 0L));
  }
}
