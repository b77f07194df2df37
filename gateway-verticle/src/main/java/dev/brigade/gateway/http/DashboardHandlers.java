package dev.brigade.gateway.http;

import dev.brigade.gateway.metrics.ClusterView;
import dev.brigade.gateway.metrics.GatewayMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** GET /v1/stats: the live figures the dashboard draws (this gateway's meters and the rewards map). */
public final class DashboardHandlers {
  private final GatewayMetrics metrics;
  private final ClusterView cluster;

  public DashboardHandlers(GatewayMetrics metrics, ClusterView cluster) {
    this.metrics = metrics;
    this.cluster = cluster;
  }

  public void stats(RoutingContext rc) {
    JsonObject body = metrics.stats().put("rewards", cluster.latest().rewards());
    rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body.encode());
  }

  /**
   * GET /dashboard without the trailing slash goes to /dashboard/ (the page's relative links need
   * the folder form); the route also matches /dashboard/, which passes on to the files.
   */
  public static void redirectToFolder(RoutingContext rc) {
    if (rc.request().path().endsWith("/")) {
      rc.next();
    } else {
      rc.response().setStatusCode(302).putHeader("Location", "/dashboard/").end();
    }
  }
}
