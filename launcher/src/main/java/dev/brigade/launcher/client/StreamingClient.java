package dev.brigade.launcher.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A small client for the gateway's streaming endpoints: POST a body, read the SSE events. */
public final class StreamingClient {
  private final URI base;
  private final String apiKey;
  private final HttpClient http;

  /**
   * @param baseUrl the gateway, e.g. http://127.0.0.1:8080
   * @param apiKey sent as a bearer token, or null
   */
  public StreamingClient(String baseUrl, String apiKey) {
    URI uri;
    try {
      uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url " + baseUrl + " is not a URL");
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException("--url " + baseUrl + " must start with http:// or https://");
    }
    this.base = uri;
    this.apiKey = apiKey;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /**
   * Sends {@code body} to {@code path} and hands every {@code data:} event to {@code onEvent}
   * until {@code [DONE]}. A non-200 answer or an error event throws with the server's message.
   */
  public void stream(String path, JsonObject body, Consumer<JsonObject> onEvent)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
    HttpResponse<Stream<String>> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (ConnectException e) {
      throw new IOException("cannot connect to " + base + " (is the gateway running?)", e);
    }
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      if (response.statusCode() != 200) {
        StringBuilder text = new StringBuilder();
        it.forEachRemaining(text::append);
        throw new IOException("HTTP " + response.statusCode() + ": " + errorMessage(text.toString()));
      }
      while (it.hasNext()) {
        String line = it.next();
        if (!line.startsWith("data:")) continue;
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) return;
        JsonObject event = new JsonObject(data);
        if (event.containsKey("error")) throw new IOException("stream failed: " + errorMessage(data));
        onEvent.accept(event);
      }
    }
    throw new IOException("the stream ended without [DONE]");
  }

  /** The message of an OpenAI-shaped error body, or the body itself. */
  static String errorMessage(String body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      if (error != null && error.getString("message") != null) return error.getString("message");
    } catch (DecodeException | ClassCastException ignored) {
      // not JSON: show the text as it came
    }
    return body;
  }
}
