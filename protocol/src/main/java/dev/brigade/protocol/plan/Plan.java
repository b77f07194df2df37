package dev.brigade.protocol.plan;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The allocator's answer: pipelines to run and nodes kept on standby. */
public record Plan(List<PipelineSpec> pipelines, List<String> standby) {

  public Plan {
    pipelines = List.copyOf(pipelines);
    standby = List.copyOf(standby);
  }

  public static Plan empty() {
    return new Plan(List.of(), List.of());
  }

  public JsonObject toJson() {
    JsonArray ps = new JsonArray();
    for (PipelineSpec p : pipelines) ps.add(p.toJson());
    return new JsonObject().put("pipelines", ps).put("standby", new JsonArray(new ArrayList<>(standby)));
  }

  public static Plan fromJson(JsonObject json) {
    List<PipelineSpec> ps = new ArrayList<>();
    for (Object o : json.getJsonArray("pipelines")) ps.add(PipelineSpec.fromJson((JsonObject) o));
    List<String> standby = new ArrayList<>();
    for (Object o : json.getJsonArray("standby", new JsonArray())) standby.add((String) o);
    return new Plan(ps, standby);
  }
}
