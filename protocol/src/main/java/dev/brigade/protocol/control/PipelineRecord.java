package dev.brigade.protocol.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One pipeline as the scheduler keeps it in {@code brigade.pipelines} (JSON text). Gateways
 * route only to {@link PipelineState#READY} pipelines; the head is {@code stages.get(0)}.
 *
 * @param epoch the plan epoch of its newest assignment; stage confirmations for older epochs
 *     are ignored
 */
public record PipelineRecord(
    String pipelineId, PipelineState state, long epoch, int numLayers, List<Stage> stages) {

  /**
   * One stage: node {@code nodeId} serves layers [layerStart, layerEnd).
   *
   * @param layerSeconds the node's measured decode seconds per layer (routing estimates latency)
   * @param loaded true once the node reported this slice loaded for the pipeline's epoch
   * @param kvTokens tokens of context the node's KV cache holds for this slice, as it reported
   *     when loaded (0: not known yet)
   */
  public record Stage(String nodeId, int layerStart, int layerEnd, double layerSeconds, boolean loaded,
      long kvTokens) {
    /** A stage whose KV capacity is not known yet. */
    public Stage(String nodeId, int layerStart, int layerEnd, double layerSeconds, boolean loaded) {
      this(nodeId, layerStart, layerEnd, layerSeconds, loaded, 0);
    }

    public Stage withLoaded(boolean l) {
      return new Stage(nodeId, layerStart, layerEnd, layerSeconds, l, kvTokens);
    }

    /** Loaded, with the KV capacity the node reported. */
    public Stage loadedWith(long tokens) {
      return new Stage(nodeId, layerStart, layerEnd, layerSeconds, true, tokens);
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("nodeId", nodeId)
          .put("layerStart", layerStart)
          .put("layerEnd", layerEnd)
          .put("layerSeconds", layerSeconds)
          .put("loaded", loaded)
          .put("kvTokens", kvTokens);
    }

    static Stage fromJson(JsonObject j) {
      return new Stage(
          j.getString("nodeId"),
          j.getInteger("layerStart"),
          j.getInteger("layerEnd"),
          j.getDouble("layerSeconds", 0.0),
          j.getBoolean("loaded", false),
          j.getLong("kvTokens", 0L));
    }
  }

  public PipelineRecord {
    stages = List.copyOf(stages);
  }

  public String headNodeId() {
    return stages.getFirst().nodeId();
  }

  /**
   * Tokens of context the pipeline can hold for all its sequences together: the smallest KV
   * capacity of its stages (every token is cached on every stage); 0 until every stage reported.
   */
  public long kvTokens() {
    long min = Long.MAX_VALUE;
    for (Stage s : stages) {
      if (s.kvTokens() <= 0) {
        return 0;
      }
      min = Math.min(min, s.kvTokens());
    }
    return stages.isEmpty() ? 0 : min;
  }

  public boolean allLoaded() {
    return stages.stream().allMatch(Stage::loaded);
  }

  public boolean uses(String nodeId) {
    return stages.stream().anyMatch(s -> s.nodeId().equals(nodeId));
  }

  public int stageOf(String nodeId) {
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i).nodeId().equals(nodeId)) {
        return i;
      }
    }
    return -1;
  }

  public PipelineRecord withState(PipelineState s) {
    return new PipelineRecord(pipelineId, s, epoch, numLayers, stages);
  }

  public PipelineRecord withStage(int index, UnaryOperator<Stage> change) {
    List<Stage> copy = new ArrayList<>(stages);
    copy.set(index, change.apply(copy.get(index)));
    return new PipelineRecord(pipelineId, state, epoch, numLayers, copy);
  }

  /** The order for stage {@code index}, as sent to its node. */
  public SliceAssignment assignment(int index) {
    Stage s = stages.get(index);
    String next = index + 1 < stages.size() ? stages.get(index + 1).nodeId() : null;
    return new SliceAssignment(pipelineId, index, stages.size(), s.nodeId(), s.layerStart(),
        s.layerEnd(), numLayers, next, headNodeId(), epoch);
  }

  public JsonObject toJson() {
    JsonArray st = new JsonArray();
    stages.forEach(s -> st.add(s.toJson()));
    return new JsonObject()
        .put("pipelineId", pipelineId)
        .put("state", state.name())
        .put("epoch", epoch)
        .put("numLayers", numLayers)
        .put("kvTokens", kvTokens())
        .put("stages", st);
  }

  public static PipelineRecord fromJson(JsonObject j) {
    List<Stage> st = new ArrayList<>();
    j.getJsonArray("stages").forEach(o -> st.add(Stage.fromJson((JsonObject) o)));
    return new PipelineRecord(
        j.getString("pipelineId"),
        PipelineState.valueOf(j.getString("state")),
        j.getLong("epoch", 0L),
        j.getInteger("numLayers"),
        st);
  }
}
