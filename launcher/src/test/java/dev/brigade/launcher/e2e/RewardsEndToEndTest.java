package dev.brigade.launcher.e2e;

import static dev.brigade.launcher.e2e.ServingCluster.await;
import static dev.brigade.launcher.e2e.ServingCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.launcher.RewardsCli;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real sequences through scheduler, two workers (one pipeline of two stages) and the gateway in
 * this JVM: the ledger must show, for every node, exactly (tokens through the pipeline) x (its
 * layers), where a finished sequence puts prompt + completion - 1 tokens through (the last
 * sampled token is never fed back).
 */
class RewardsEndToEndTest {

  @Test
  void ledgerHoldsTokensTimesLayersPerNode() throws Exception {
    try (ServingCluster cluster = ServingCluster.start(2)) {
      long tokens = 0;
      String[] prompts = {"Tell me about bees.", "Count to five.", "What is a pipeline?"};
      for (int i = 0; i < prompts.length; i++) {
        JsonObject body = new JsonObject()
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompts[i])))
            .put("max_tokens", 5 + 4 * i)
            .put("temperature", 0);
        JsonObject usage = cluster.postOk("/v1/chat/completions", body).getJsonObject("usage");
        tokens += usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens") - 1;
      }
      JsonObject pipeline = clusterState(cluster).getJsonArray("pipelines").getJsonObject(0);
      Map<String, Integer> layers = new HashMap<>();
      int numLayers = 0;
      for (Object o : pipeline.getJsonArray("stages")) {
        JsonObject s = (JsonObject) o;
        int n = s.getInteger("layerEnd") - s.getInteger("layerStart");
        layers.merge(s.getString("nodeId"), n, Integer::sum);
        numLayers += n;
      }
      long expectedTotal = tokens * numLayers;
      eventually("the ledger has every credit", () -> rewards(cluster, "").getLong("layer_tokens", 0L) == expectedTotal);

      JsonObject report = rewards(cluster, "");
      assertEquals(0, report.getLong("epoch"));
      assertEquals(false, report.getBoolean("closed"));
      JsonArray nodes = report.getJsonArray("nodes");
      assertEquals(layers.size(), nodes.size());
      double shares = 0;
      for (Object o : nodes) {
        JsonObject n = (JsonObject) o;
        long want = tokens * layers.get(n.getString("node_id"));
        assertEquals(want, n.getLong("layer_tokens"), n.encode());
        assertEquals((double) want / expectedTotal, n.getDouble("share"), 1e-12);
        shares += n.getDouble("share");
      }
      assertEquals(1.0, shares, 1e-9);
      assertEquals(0, nodes.stream().map(o -> new java.math.BigDecimal(((JsonObject) o).getString("payout")))
          .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add).compareTo(new java.math.BigDecimal(report.getString("pool"))));
      assertEquals(report, rewards(cluster, "?epoch=0"));

      // Bad and unknown epochs are OpenAI-shaped errors.
      HttpResponse<Buffer> bad = await(cluster.web.get("/v1/rewards?epoch=abc").send());
      assertEquals(400, bad.statusCode());
      assertEquals("epoch", bad.bodyAsJsonObject().getJsonObject("error").getString("param"));
      HttpResponse<Buffer> unknown = await(cluster.web.get("/v1/rewards?epoch=7").send());
      assertEquals(404, unknown.statusCode());
      assertEquals("epoch_not_found", unknown.bodyAsJsonObject().getJsonObject("error").getString("code"));

      // brigade rewards shows the same: as a table and as JSON.
      String url = "http://127.0.0.1:" + cluster.gateway.httpPort();
      RewardsCli.Result table = RewardsCli.run("--url", url);
      assertEquals(0, table.exit(), table.err());
      for (String node : layers.keySet()) assertTrue(table.out().contains(node), table.out());
      assertTrue(table.out().contains("epoch 0 (open"), table.out());
      RewardsCli.Result json = RewardsCli.run("--url", url, "--epoch", "0", "--json");
      assertEquals(0, json.exit(), json.err());
      assertEquals(report.getLong("layer_tokens"), new JsonObject(json.out().trim()).getLong("layer_tokens"));
      RewardsCli.Result missing = RewardsCli.run("--url", url, "--epoch", "9");
      assertEquals(1, missing.exit());
      assertTrue(missing.err().startsWith("brigade: epoch 9"), missing.err());
    }
  }

  private static JsonObject clusterState(ServingCluster cluster) throws Exception {
    return await(cluster.web.get("/v1/cluster").send()).bodyAsJsonObject();
  }

  private static JsonObject rewards(ServingCluster cluster, String query) {
    try {
      HttpResponse<Buffer> r = await(cluster.web.get("/v1/rewards" + query).send());
      if (r.statusCode() != 200) throw new AssertionError("HTTP " + r.statusCode() + ": " + r.bodyAsString());
      return r.bodyAsJsonObject();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
