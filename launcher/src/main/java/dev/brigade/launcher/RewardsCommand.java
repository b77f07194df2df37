package dev.brigade.launcher;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brigade rewards [--url URL] [--epoch N] [--json]}: one epoch of the rewards ledger. */
@Command(
    name = "rewards",
    mixinStandardHelpOptions = true,
    description = "Show an epoch of the rewards ledger: per node layer-tokens, share and payout (TFUEL).")
public final class RewardsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Gateway base URL (default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--api-key", description = "API key (default: the BRIGADE_API_KEY environment variable).")
  String apiKey;

  @Option(names = "--epoch", paramLabel = "N", description = "Epoch number (default: the open epoch).")
  Long epoch;

  @Option(names = "--json", description = "Print the gateway's JSON as it is.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (epoch != null && epoch < 0) throw new IllegalArgumentException("--epoch must be >= 0, got " + epoch);
    URI uri;
    try {
      uri = URI.create(url.replaceAll("/+$", "") + "/v1/rewards" + (epoch == null ? "" : "?epoch=" + epoch));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url " + url + " is not a URL");
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
    String key = apiKey != null ? apiKey : System.getenv("BRIGADE_API_KEY");
    if (key != null && !key.isEmpty()) request.header("Authorization", "Bearer " + key);
    HttpResponse<String> response;
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot reach the gateway at " + url + ": " + e.getMessage());
    }
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (RuntimeException e) {
      throw new IllegalStateException("the gateway answered " + response.statusCode() + " with no JSON");
    }
    if (response.statusCode() != 200) {
      JsonObject error = body.getJsonObject("error");
      throw new IllegalStateException(error == null ? "HTTP " + response.statusCode() : error.getString("message"));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(body.encode());
    } else {
      RewardsTable.print(out, body);
    }
    out.flush();
    return 0;
  }
}
