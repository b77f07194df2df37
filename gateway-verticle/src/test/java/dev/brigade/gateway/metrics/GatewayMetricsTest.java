package dev.brigade.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.mesh.Failover;
import dev.brigade.gateway.session.Delta;
import dev.brigade.gateway.session.GenerationSink;
import dev.brigade.gateway.session.Usage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The meters a generation's lifecycle leaves behind, read back from the Prometheus text. */
class GatewayMetricsTest {
  /** A sink that keeps what reached the client. */
  static final class Recorded implements GenerationSink {
    final List<String> events = new ArrayList<>();

    @Override public void delta(Delta d) { events.add("delta " + d.tokenIds().length); }
    @Override public void finish(String reason, Usage usage) { events.add("finish " + reason); }
    @Override public void fail(ApiError error) { events.add("fail " + error.status()); }
  }

  private static Delta tokens(int n) {
    return new Delta("", "x", new int[n], List.of());
  }

  private static double sample(String text, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    if (!m.find()) throw new AssertionError("no sample " + name + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  private final GatewayMetrics metrics = new GatewayMetrics(null, () -> 2, () -> 1);

  @Test
  void aFinishedStreamCountsTokensLatenciesAndItsStatus() {
    Recorded client = new Recorded();
    MeteredSink sink = metrics.track(client);
    assertEquals(1.0, sample(metrics.registry().scrape(), "brigade_requests_queued"));
    sink.delta(tokens(1));
    sink.delta(tokens(1));
    sink.delta(tokens(2));
    sink.finish("length", new Usage(3, 4));
    sink.closed();
    String text = metrics.registry().scrape();
    assertEquals(List.of("delta 1", "delta 1", "delta 2", "finish length"), client.events);
    assertEquals(4.0, sample(text, "brigade_output_tokens_total"));
    assertEquals(1.0, sample(text, "brigade_ttft_seconds_count"));
    assertEquals(2.0, sample(text, "brigade_inter_token_seconds_count"));
    assertEquals(1.0, sample(text, "brigade_requests_total{outcome=\"length\",status=\"200\"}"));
    assertEquals(0.0, sample(text, "brigade_requests_queued"));
    assertEquals(2.0, sample(text, "brigade_pipelines_ready"));
    assertEquals(1.0, sample(text, "brigade_requests_in_flight"));
    JsonObject stats = metrics.stats();
    assertEquals(4L, stats.getLong("output_tokens"));
    assertEquals(1L, stats.getJsonObject("requests_by_status").getLong("200"));
    long inSeries = stats.getJsonArray("tokens_per_second").stream().mapToLong(v -> ((Number) v).longValue()).sum();
    assertTrue(inSeries <= 4, "the series holds at most the tokens counted: " + inSeries);
  }

  @Test
  void failuresAndCancelsAreCountedOnceAndLeaveTheQueue() {
    MeteredSink refused = metrics.track(new Recorded());
    refused.fail(ApiError.tooManyRequests("full"));
    refused.closed();
    MeteredSink gone = metrics.track(new Recorded());
    gone.delta(tokens(1));
    gone.closed(); // the client went away: no finish, no failure
    String text = metrics.registry().scrape();
    assertEquals(1.0, sample(text, "brigade_requests_total{outcome=\"rate_limit_error\",status=\"429\"}"));
    assertEquals(1.0, sample(text, "brigade_requests_total{outcome=\"cancelled\",status=\"499\"}"));
    assertEquals(0.0, sample(text, "brigade_requests_queued"));
  }

  @Test
  void failoversAreCountedAndTheLatestKept() {
    for (int i = 0; i < GatewayMetrics.FAILOVERS_KEPT + 5; i++) {
      metrics.failover(new Failover("seq-" + i, "p1", "node worker-2 left the cluster", i, 1000L + i));
    }
    assertEquals(GatewayMetrics.FAILOVERS_KEPT + 5.0, sample(metrics.registry().scrape(), "brigade_failovers_total"));
    JsonObject stats = metrics.stats();
    assertEquals(GatewayMetrics.FAILOVERS_KEPT, stats.getJsonArray("recent_failovers").size());
    assertEquals("seq-" + (GatewayMetrics.FAILOVERS_KEPT + 4),
        stats.getJsonArray("recent_failovers").getJsonObject(0).getString("sequence_id"));
  }

  @Test
  void tokenRateSeriesRollsOverWholeSeconds() {
    TokenRate rate = new TokenRate();
    rate.add(10_000, 3);
    rate.add(10_500, 2);
    rate.add(11_200, 7);
    long[] at12 = rate.series(12_000);
    assertEquals(7, at12[TokenRate.SECONDS - 1]);
    assertEquals(5, at12[TokenRate.SECONDS - 2]);
    assertEquals(1.2, rate.recent(12_000, 10), 1e-9);
    long[] later = rate.series(10_000 + 1000L * (TokenRate.SECONDS + 5));
    assertEquals(0, java.util.Arrays.stream(later).sum(), "all of it scrolled out");
  }
}
