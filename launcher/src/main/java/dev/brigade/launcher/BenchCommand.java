package dev.brigade.launcher;

import dev.brigade.launcher.client.BenchRun;
import dev.brigade.launcher.client.StreamingClient;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brigade bench}: load test a running gateway and report latency and throughput. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Send streamed completions to a gateway and report TTFT, inter-token latency, end-to-end latency and output tokens/s.")
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Gateway base URL (default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--concurrency", defaultValue = "4", description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--requests", defaultValue = "32", description = "Requests in all (default ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--prompt-tokens", defaultValue = "128", description = "Prompt length in tokens (default ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens to generate per request (default ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--api-key", description = "API key (default: the BRIGADE_API_KEY environment variable).")
  String apiKey;

  @Option(names = "--json", description = "Print the results as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1, got " + concurrency);
    if (requests < 1) throw new IllegalArgumentException("--requests must be at least 1, got " + requests);
    if (promptTokens < 1) throw new IllegalArgumentException("--prompt-tokens must be at least 1, got " + promptTokens);
    if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
    String key = apiKey != null ? apiKey : System.getenv("BRIGADE_API_KEY");
    StreamingClient client = new StreamingClient(url, key);
    JsonObject result = new BenchRun(client, concurrency, requests, promptTokens, maxTokens, System.err).run();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(result.encode());
    } else {
      print(out, result);
    }
    out.flush();
    return result.getInteger("succeeded") == 0 ? 1 : 0;
  }

  private static void print(PrintWriter out, JsonObject r) {
    out.printf("requests      %d ok, %d failed in %.2f s (%.2f req/s), concurrency %d%n",
        r.getInteger("succeeded"), r.getInteger("failed"), r.getDouble("wall_seconds"),
        r.getDouble("requests_per_second"), r.getInteger("concurrency"));
    out.printf("output        %d tokens, %.1f tokens/s%n", r.getLong("output_tokens"), r.getDouble("output_tokens_per_second"));
    out.printf("%-14s %10s %10s %10s %10s%n", "latency (ms)", "p50", "p90", "p99", "mean");
    row(out, "TTFT", r.getJsonObject("ttft_ms"));
    row(out, "inter-token", r.getJsonObject("itl_ms"));
    row(out, "end-to-end", r.getJsonObject("e2e_ms"));
    for (Object e : r.getJsonArray("errors")) out.println("error: " + e);
  }

  private static void row(PrintWriter out, String name, JsonObject s) {
    out.printf("%-14s %10s %10s %10s %10s%n", name, ms(s.getDouble("p50")), ms(s.getDouble("p90")),
        ms(s.getDouble("p99")), ms(s.getDouble("mean")));
  }

  private static String ms(Double v) {
    return v == null ? "-" : String.format("%.1f", v);
  }
}
