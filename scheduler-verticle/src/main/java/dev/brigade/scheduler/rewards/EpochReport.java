package dev.brigade.scheduler.rewards;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One epoch as the ledger shows it: per node layer-tokens, share of the epoch's layer-tokens and
 * payout. For a closed epoch the payouts are final (the payouts table); for the open epoch they
 * are what the node would get if the epoch closed now.
 */
public record EpochReport(long epoch, long startMillis, long endMillis, boolean closed, BigDecimal pool, List<NodeReward> nodes) {

  public record NodeReward(String nodeId, long layerTokens, double share, BigDecimal payout) {}

  public long layerTokens() {
    long sum = 0;
    for (NodeReward n : nodes) sum += n.layerTokens();
    return sum;
  }

  /** The HTTP and bus shape (amounts as decimal strings, exact to 18 decimals). */
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    for (NodeReward n : nodes) {
      array.add(new JsonObject()
          .put("node_id", n.nodeId())
          .put("layer_tokens", n.layerTokens())
          .put("share", n.share())
          .put("payout", n.payout().toPlainString()));
    }
    return new JsonObject()
        .put("object", "rewards")
        .put("epoch", epoch)
        .put("start", Instant.ofEpochMilli(startMillis).toString())
        .put("end", Instant.ofEpochMilli(endMillis).toString())
        .put("start_ms", startMillis)
        .put("end_ms", endMillis)
        .put("closed", closed)
        .put("unit", "TFUEL")
        .put("pool", pool.toPlainString())
        .put("layer_tokens", layerTokens())
        .put("nodes", array);
  }
}
