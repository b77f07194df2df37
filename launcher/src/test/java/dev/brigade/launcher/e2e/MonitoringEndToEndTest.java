package dev.brigade.launcher.e2e;

import static dev.brigade.launcher.e2e.ServingCluster.await;
import static dev.brigade.launcher.e2e.ServingCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /metrics, /v1/stats and the dashboard against a real cluster in this JVM; the dashboard is
 * loaded in headless Chromium (Debian's chromium package, which .ci/run installs).
 */
class MonitoringEndToEndTest {
  static ServingCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ServingCluster.start(4);
    JsonObject chat = new JsonObject()
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Count to five.")))
        .put("max_tokens", 8)
        .put("temperature", 0);
    cluster.postOk("/v1/chat/completions", chat);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  void metricsInPrometheusFormatCountTheRequestAndItsTokens() throws Exception {
    HttpResponse<Buffer> r = await(cluster.web.get("/metrics").send());
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/plain"), r.getHeader("Content-Type"));
    String text = r.bodyAsString();
    assertTrue(value(text, "brigade_ttft_seconds_count") >= 1, "one first token timed");
    assertTrue(value(text, "brigade_inter_token_seconds_count") >= 1, "inter-token gaps timed");
    assertTrue(text.contains("brigade_ttft_seconds_bucket{le="), "TTFT is a histogram");
    assertTrue(value(text, "brigade_output_tokens_total") >= 2, "output tokens counted");
    assertTrue(valueOrZero(text, "brigade_requests_total{outcome=\"length\",status=\"200\"}")
        + valueOrZero(text, "brigade_requests_total{outcome=\"stop\",status=\"200\"}") >= 1, "the request counted as 200:\n" + text);
    assertTrue(value(text, "brigade_http_requests_total{method=\"POST\",status=\"200\"}") >= 1, text);
    assertTrue(value(text, "brigade_pipelines_ready") >= 1, "ready pipelines");
    assertEquals(0.0, value(text, "brigade_requests_queued"));
    assertTrue(text.contains("brigade_failovers_total"), "failovers counter present");
    assertTrue(text.contains("brigade_output_tokens_per_second"), "recent tokens/s gauge present");
    eventually("nodes by state in /metrics", () -> {
      try {
        return valueOrZero(scrape(), "brigade_nodes{state=\"READY\"}") >= 2;
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void statsCarryTheTokensPerSecondSeriesAndCounts() throws Exception {
    JsonObject stats = await(cluster.web.get("/v1/stats").send()).bodyAsJsonObject();
    assertEquals(120, stats.getJsonArray("tokens_per_second").size());
    assertTrue(stats.getLong("output_tokens") >= 2);
    assertTrue(stats.getJsonObject("requests_by_status").getLong("200") >= 1);
    assertTrue(stats.containsKey("rewards") && stats.containsKey("recent_failovers"));
  }

  @Test
  void dashboardShowsEveryNodeAndPipelineInHeadlessChromiumWithoutConsoleErrors() throws Exception {
    JsonObject state = await(cluster.web.get("/v1/cluster").send()).bodyAsJsonObject();
    String url = "http://127.0.0.1:" + cluster.gateway.httpPort() + "/dashboard/";
    Path target = Path.of("target");
    Files.createDirectories(target);

    Chromium.Result dom = Chromium.run(List.of("--virtual-time-budget=8000", "--dump-dom", url));
    assertTrue(dom.stdout().contains("data-loaded=\"true\""), "the page drew the cluster:\n" + dom.stdout());
    for (Object o : state.getJsonArray("nodes")) {
      String node = ((JsonObject) o).getString("nodeId");
      assertTrue(dom.stdout().contains("data-node=\"" + node + "\""), "node " + node + " listed");
    }
    assertTrue(!state.getJsonArray("pipelines").isEmpty());
    for (Object o : state.getJsonArray("pipelines")) {
      String p = ((JsonObject) o).getString("pipelineId");
      assertTrue(dom.stdout().contains("data-pipeline=\"" + p + "\""), "pipeline " + p + " drawn");
    }
    List<String> console = dom.consoleLines();
    assertTrue(console.isEmpty(), "the page logged to the console:\n" + String.join("\n", console));

    Path shot = target.resolve("dashboard.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    Chromium.Result s = Chromium.run(
        List.of("--virtual-time-budget=8000", "--window-size=1366,900", "--screenshot=" + shot, url));
    assertTrue(Files.size(shot) > 10_000, "screenshot written to " + shot + "\n" + s.stderr());
    assertTrue(s.consoleLines().isEmpty(), "console: " + s.consoleLines());
  }

  private static String scrape() throws Exception {
    return await(cluster.web.get("/metrics").send()).bodyAsString();
  }

  /** The sample value of a metric line {@code name value}; fails when the line is missing. */
  private static double value(String text, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    if (!m.find()) throw new AssertionError("no sample " + name + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  private static double valueOrZero(String text, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
