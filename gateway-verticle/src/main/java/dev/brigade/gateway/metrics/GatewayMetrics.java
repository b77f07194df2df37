package dev.brigade.gateway.metrics;

import dev.brigade.gateway.mesh.Failover;
import dev.brigade.gateway.session.GenerationSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * One gateway's Prometheus meters, recorded at the request lifecycle points: HTTP responses by
 * status, generations by outcome, time to first token, inter-token latency, output tokens
 * (rate() gives tokens/s; a gauge also holds the last 10 s), queued and in-flight requests,
 * failovers; and, from the cluster maps, ready pipelines, nodes by state and layer-tokens by node.
 */
public final class GatewayMetrics {
  /** Seconds over which the recent tokens/s gauge averages. */
  static final int RECENT_WINDOW_S = 10;
  static final int FAILOVERS_KEPT = 20;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ClusterView cluster;
  private final Timer ttft;
  private final Timer interToken;
  private final Counter outputTokens;
  private final Counter failovers;
  private final TokenRate rate = new TokenRate();
  private final ArrayDeque<Failover> recentFailovers = new ArrayDeque<>();
  private final Map<String, Counter> httpByStatus = new ConcurrentHashMap<>();
  private final Map<String, Counter> requestsByOutcome = new ConcurrentHashMap<>();
  private final MultiGauge nodesByState;
  private final MultiGauge layerTokensByNode;
  final AtomicInteger queued = new AtomicInteger();

  /**
   * @param cluster the cluster maps as last read
   * @param readyPipelines pipelines this gateway would route to now
   * @param inFlight requests running or queued in this gateway
   */
  public GatewayMetrics(ClusterView cluster, IntSupplier readyPipelines, IntSupplier inFlight) {
    this.cluster = cluster;
    ttft = latency("brigade.ttft", "time from the request's start to its first output token");
    interToken = latency("brigade.inter_token", "time between consecutive output tokens of one request");
    outputTokens = Counter.builder("brigade.output.tokens")
        .description("output tokens streamed to clients; rate() is output tokens/s").register(registry);
    failovers = Counter.builder("brigade.failovers")
        .description("sequences moved to another pipeline after theirs broke").register(registry);
    Gauge.builder("brigade.output.tokens.per_second", this, m -> m.rate.recent(System.currentTimeMillis(), RECENT_WINDOW_S))
        .description("output tokens/s over the last " + RECENT_WINDOW_S + " s").strongReference(true).register(registry);
    Gauge.builder("brigade.requests.queued", queued, AtomicInteger::get)
        .description("requests admitted that have no first token yet").strongReference(true).register(registry);
    Gauge.builder("brigade.requests.in_flight", inFlight, IntSupplier::getAsInt)
        .description("requests running or queued in this gateway").strongReference(true).register(registry);
    Gauge.builder("brigade.pipelines.ready", readyPipelines, IntSupplier::getAsInt)
        .description("ready pipelines this gateway routes to").strongReference(true).register(registry);
    nodesByState = MultiGauge.builder("brigade.nodes").description("worker nodes by state").register(registry);
    layerTokensByNode = MultiGauge.builder("brigade.layer_tokens")
        .description("layer-tokens credited to each node in the rewards ledger (all epochs)").register(registry);
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Wraps a generation's sink so its tokens and outcome are recorded. */
  public MeteredSink track(GenerationSink sink) {
    return new MeteredSink(this, sink);
  }

  /** Router hook: counts every HTTP response by method and status once it is sent. */
  public void countHttp(RoutingContext rc) {
    String method = rc.request().method().name();
    rc.addEndHandler(v -> {
      String status = Integer.toString(rc.response().getStatusCode());
      httpByStatus.computeIfAbsent(method + " " + status, k -> Counter.builder("brigade.http.requests")
              .description("HTTP responses by method and status")
              .tags("method", method, "status", status)
              .register(registry))
          .increment();
    });
    rc.next();
  }

  public void failover(Failover f) {
    failovers.increment();
    synchronized (recentFailovers) {
      recentFailovers.addFirst(f);
      while (recentFailovers.size() > FAILOVERS_KEPT) recentFailovers.removeLast();
    }
  }

  void firstToken(long nanos) {
    ttft.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A gap of {@code nanos} before a step that brought {@code tokens} tokens. */
  void interToken(long nanos, int tokens) {
    interToken.record(nanos / tokens, TimeUnit.NANOSECONDS);
  }

  void outputTokens(int tokens) {
    outputTokens.increment(tokens);
    rate.add(System.currentTimeMillis(), tokens);
  }

  void requestEnded(int status, String outcome) {
    String s = Integer.toString(status);
    requestsByOutcome.computeIfAbsent(s + " " + outcome, k -> Counter.builder("brigade.requests")
            .description("generation requests (HTTP, WebSocket, gRPC) by final status and outcome")
            .tags("status", s, "outcome", outcome)
            .register(registry))
        .increment();
  }

  /** Refreshes the gauges drawn from the cluster maps; the same reading the dashboard gets. */
  public void refreshClusterGauges() {
    ClusterView.Snapshot s = cluster.latest();
    Map<String, Integer> states = new TreeMap<>();
    for (Object o : s.nodes()) states.merge(((JsonObject) o).getString("state", "UNKNOWN"), 1, Integer::sum);
    List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
    states.forEach((state, n) -> stateRows.add(MultiGauge.Row.of(Tags.of("state", state), n)));
    nodesByState.register(stateRows, true);
    List<MultiGauge.Row<?>> rewardRows = new ArrayList<>();
    for (Object o : s.rewards()) {
      JsonObject r = (JsonObject) o;
      String node = r.getString("node_id");
      if (node != null) rewardRows.add(MultiGauge.Row.of(Tags.of("node", node), r.getLong("total_layer_tokens", 0L)));
    }
    layerTokensByNode.register(rewardRows, true);
  }

  /** Figures for GET /v1/stats: tokens/s series, request counts, recent failovers. */
  public JsonObject stats() {
    long now = System.currentTimeMillis();
    JsonArray series = new JsonArray();
    for (long v : rate.series(now)) series.add(v);
    JsonObject byStatus = new JsonObject();
    requestsByOutcome.forEach((k, c) -> byStatus.put(k.substring(0, k.indexOf(' ')),
        byStatus.getLong(k.substring(0, k.indexOf(' ')), 0L) + (long) c.count()));
    JsonArray recent = new JsonArray();
    synchronized (recentFailovers) {
      for (Failover f : recentFailovers) {
        recent.add(new JsonObject()
            .put("sequence_id", f.sequenceId())
            .put("from_pipeline", f.fromPipeline())
            .put("reason", f.reason())
            .put("generated_tokens", f.generatedTokens())
            .put("at_ms", f.atMillis()));
      }
    }
    return new JsonObject()
        .put("time_ms", now)
        .put("tokens_per_second", series)
        .put("recent_tokens_per_second", rate.recent(now, RECENT_WINDOW_S))
        .put("output_tokens", (long) outputTokens.count())
        .put("requests_by_status", byStatus)
        .put("queued", queued.get())
        .put("ttft_mean_ms", ttft.count() == 0 ? null : ttft.mean(TimeUnit.MILLISECONDS))
        .put("inter_token_mean_ms", interToken.count() == 0 ? null : interToken.mean(TimeUnit.MILLISECONDS))
        .put("failovers", (long) failovers.count())
        .put("recent_failovers", recent);
  }
}
