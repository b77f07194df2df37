package dev.brigade.launcher;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;

/** A rewards report (GET /v1/rewards) as a terminal table. */
final class RewardsTable {
  private RewardsTable() {}

  static void print(PrintWriter out, JsonObject r) {
    out.printf(Locale.ROOT, "epoch %d (%s) %s -> %s, pool %s %s, %d layer-tokens%n",
        r.getLong("epoch"), r.getBoolean("closed", false) ? "closed" : "open, payouts projected",
        r.getString("start"), r.getString("end"), r.getString("pool"), r.getString("unit", "TFUEL"),
        r.getLong("layer_tokens", 0L));
    var nodes = r.getJsonArray("nodes");
    if (nodes == null || nodes.isEmpty()) {
      out.println("no layer-tokens credited in this epoch");
      return;
    }
    int width = "node".length();
    for (Object o : nodes) width = Math.max(width, ((JsonObject) o).getString("node_id").length());
    String row = "%-" + width + "s  %16s  %9s  %28s%n";
    out.printf(Locale.ROOT, row, "node", "layer-tokens", "share", "payout (TFUEL)");
    for (Object o : nodes) {
      JsonObject n = (JsonObject) o;
      out.printf(Locale.ROOT, row, n.getString("node_id"), n.getLong("layer_tokens"),
          String.format(Locale.ROOT, "%.4f%%", 100 * n.getDouble("share")), n.getString("payout"));
    }
  }
}
