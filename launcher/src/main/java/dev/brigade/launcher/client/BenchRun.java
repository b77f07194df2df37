package dev.brigade.launcher.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load test against a gateway: N streamed completions, C at a time, each with a prompt of exactly
 * P token ids; measures time to first token, inter-token latency and end-to-end latency.
 */
public final class BenchRun {
  /** One request's measurements; error is null when it succeeded. */
  record Sample(double ttftMs, List<Double> itlMs, double e2eMs, int outputTokens, String error) {}

  /** Prompt ids are drawn from ordinary vocabulary (no special tokens). */
  static final int PROMPT_ID_FROM = 1_000;
  static final int PROMPT_ID_TO = 50_000;

  private final StreamingClient client;
  private final int concurrency;
  private final int requests;
  private final int promptTokens;
  private final int maxTokens;
  private final PrintStream progress;

  public BenchRun(StreamingClient client, int concurrency, int requests, int promptTokens, int maxTokens, PrintStream progress) {
    this.client = client;
    this.concurrency = concurrency;
    this.requests = requests;
    this.promptTokens = promptTokens;
    this.maxTokens = maxTokens;
    this.progress = progress;
  }

  public JsonObject run() throws InterruptedException {
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < concurrency; w++) {
        pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
            samples.add(one(i));
            drawProgress(finished.incrementAndGet(), samples);
          }
        });
      }
      pool.shutdown();
      pool.awaitTermination(365, TimeUnit.DAYS);
    }
    double wallSeconds = (System.nanoTime() - start) / 1e9;
    if (progress != null) progress.println();
    return report(samples, wallSeconds);
  }

  private Sample one(int index) {
    SplittableRandom random = new SplittableRandom(index);
    JsonArray prompt = new JsonArray();
    for (int i = 0; i < promptTokens; i++) prompt.add(random.nextInt(PROMPT_ID_FROM, PROMPT_ID_TO));
    JsonObject body = new JsonObject()
        .put("prompt", prompt)
        .put("max_tokens", maxTokens)
        .put("temperature", 0)
        .put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));
    long t0 = System.nanoTime();
    long[] last = {0};
    double[] ttft = {Double.NaN};
    int[] tokens = {0};
    List<Double> itl = new ArrayList<>();
    try {
      client.stream("/v1/completions", body, event -> {
        long now = System.nanoTime();
        JsonObject usage = event.getJsonObject("usage");
        if (usage != null) tokens[0] = usage.getInteger("completion_tokens", 0);
        JsonArray choices = event.getJsonArray("choices");
        if (choices == null || choices.isEmpty()) return;
        String text = choices.getJsonObject(0).getString("text", "");
        if (text.isEmpty()) return;
        if (Double.isNaN(ttft[0])) ttft[0] = (now - t0) / 1e6;
        else itl.add((now - last[0]) / 1e6);
        last[0] = now;
      });
      return new Sample(ttft[0], itl, (System.nanoTime() - t0) / 1e6, tokens[0], null);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      return new Sample(Double.NaN, List.of(), (System.nanoTime() - t0) / 1e6, 0, e.getMessage());
    }
  }

  private void drawProgress(int done, List<Sample> samples) {
    if (progress == null) return;
    int width = 30;
    int filled = (int) ((long) done * width / requests);
    long failed;
    synchronized (samples) {
      failed = samples.stream().filter(s -> s.error() != null).count();
    }
    synchronized (progress) {
      progress.print("\rbench [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + requests
          + (failed > 0 ? " (" + failed + " failed)" : ""));
      progress.flush();
    }
  }

  private JsonObject report(List<Sample> samples, double wallSeconds) {
    List<Double> ttft = new ArrayList<>();
    List<Double> itl = new ArrayList<>();
    List<Double> e2e = new ArrayList<>();
    long outputTokens = 0;
    int ok = 0;
    List<String> errors = new ArrayList<>();
    for (Sample s : samples) {
      if (s.error() != null) {
        if (errors.size() < 5) errors.add(s.error());
        continue;
      }
      ok++;
      if (!Double.isNaN(s.ttftMs())) ttft.add(s.ttftMs());
      itl.addAll(s.itlMs());
      e2e.add(s.e2eMs());
      outputTokens += s.outputTokens();
    }
    return new JsonObject()
        .put("requests", samples.size())
        .put("succeeded", ok)
        .put("failed", samples.size() - ok)
        .put("errors", new JsonArray(errors))
        .put("concurrency", concurrency)
        .put("prompt_tokens", promptTokens)
        .put("max_tokens", maxTokens)
        .put("wall_seconds", wallSeconds)
        .put("output_tokens", outputTokens)
        .put("output_tokens_per_second", outputTokens / wallSeconds)
        .put("requests_per_second", ok / wallSeconds)
        .put("ttft_ms", stats(ttft))
        .put("itl_ms", stats(itl))
        .put("e2e_ms", stats(e2e));
  }

  private static JsonObject stats(List<Double> values) {
    Percentiles p = new Percentiles(values);
    return new JsonObject()
        .put("count", p.count())
        .put("p50", finite(p.at(50)))
        .put("p90", finite(p.at(90)))
        .put("p99", finite(p.at(99)))
        .put("mean", finite(p.mean()));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
