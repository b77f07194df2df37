package dev.brigade.gateway.http;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.brigade.gateway.model.ServedModel;
import dev.brigade.gateway.session.Generations;
import dev.brigade.protocol.MapNames;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** GET /v1/models, GET /v1/cluster and GET /health. */
public final class InfoHandlers {
  private final Vertx vertx;
  private final String gatewayId;
  private final Supplier<ServedModel> model;
  private final Generations generations;
  private final Supplier<HazelcastInstance> hazelcast;
  private final long startedSeconds = System.currentTimeMillis() / 1000;

  public InfoHandlers(
      Vertx vertx,
      String gatewayId,
      Supplier<ServedModel> model,
      Generations generations,
      Supplier<HazelcastInstance> hazelcast) {
    this.vertx = vertx;
    this.gatewayId = gatewayId;
    this.model = model;
    this.generations = generations;
    this.hazelcast = hazelcast;
  }

  public void models(RoutingContext rc) {
    JsonArray data = new JsonArray();
    ServedModel m = model.get();
    if (m != null) {
      data.add(
          new JsonObject()
              .put("id", m.name())
              .put("object", "model")
              .put("created", startedSeconds)
              .put("owned_by", "brigade")
              .put("max_model_len", m.contextLength()));
    }
    json(rc, 200, new JsonObject().put("object", "list").put("data", data));
  }

  /** Nodes and pipelines as the scheduler keeps them in the cluster maps. */
  public void cluster(RoutingContext rc) {
    vertx
        .executeBlocking(
            () -> {
              HazelcastInstance hz = hazelcast.get();
              return new JsonObject()
                  .put("nodes", values(hz.getMap(MapNames.NODES)))
                  .put("pipelines", values(hz.getMap(MapNames.PIPELINES)));
            },
            false)
        .onSuccess(
            state -> {
              ServedModel m = model.get();
              state
                  .put("model", m == null ? null : m.name())
                  .put("ready_pipelines", generations.readyPipelines())
                  .put("gateway", new JsonObject().put("id", gatewayId).put("in_flight", generations.inFlight()));
              json(rc, 200, state);
            })
        .onFailure(rc::fail);
  }

  public void health(RoutingContext rc) {
    ServedModel m = model.get();
    int ready = generations.readyPipelines();
    String status = m == null ? "waiting_for_model" : ready == 0 ? "no_ready_pipeline" : "ok";
    JsonObject body =
        new JsonObject()
            .put("status", status)
            .put("model", m == null ? null : m.name())
            .put("ready_pipelines", ready);
    json(rc, status.equals("ok") ? 200 : 503, body);
  }

  private static JsonArray values(IMap<String, String> map) {
    Map<String, String> sorted = new TreeMap<>(map);
    JsonArray out = new JsonArray();
    sorted.values().forEach(v -> out.add(new JsonObject(v)));
    return out;
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
