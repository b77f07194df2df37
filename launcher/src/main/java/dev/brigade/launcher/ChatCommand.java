package dev.brigade.launcher;

import dev.brigade.launcher.client.StreamingClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade chat}: a streaming terminal chat. Reasoning (the model's thinking) is shown
 * dimmed and apart from the answer. Lines starting with / are commands: /reset, /think, /exit.
 */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = "Chat with a gateway in the terminal; answers stream in, reasoning is shown apart.")
public final class ChatCommand implements Callable<Integer> {
  private static final String DIM = "\u001b[2m";
  private static final String RESET = "\u001b[0m";

  @Spec CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Gateway base URL (default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--api-key", description = "API key (default: the BRIGADE_API_KEY environment variable).")
  String apiKey;

  @Option(names = "--system", description = "A system message to start the conversation with.")
  String system;

  @Option(names = "--max-tokens", defaultValue = "512", description = "Tokens per answer at most (default ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--temperature", defaultValue = "0.7", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--no-think", description = "Ask the model to answer without reasoning first.")
  boolean noThink;

  @Option(names = "--no-color", description = "Do not dim the reasoning with terminal colours.")
  boolean noColor;

  private final JsonArray history = new JsonArray();

  @Override
  public Integer call() throws Exception {
    if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
    if (temperature < 0 || temperature > 2) throw new IllegalArgumentException("--temperature must be in [0, 2], got " + temperature);
    StreamingClient client = new StreamingClient(url, apiKey != null ? apiKey : System.getenv("BRIGADE_API_KEY"));
    PrintWriter out = spec.commandLine().getOut();
    reset();
    out.println("brigade chat with " + url + "  (/reset clears the conversation, /think toggles reasoning, /exit quits)");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (true) {
      out.print("\n> ");
      out.flush();
      String line = in.readLine();
      if (line == null || line.strip().equals("/exit")) return 0;
      line = line.strip();
      if (line.isEmpty()) continue;
      if (line.equals("/reset")) {
        reset();
        out.println("(conversation cleared)");
        continue;
      }
      if (line.equals("/think")) {
        noThink = !noThink;
        out.println("(reasoning " + (noThink ? "off" : "on") + ")");
        continue;
      }
      history.add(new JsonObject().put("role", "user").put("content", line));
      try {
        String answer = ask(client, out);
        history.add(new JsonObject().put("role", "assistant").put("content", answer));
      } catch (IOException e) {
        history.remove(history.size() - 1);
        out.println("\nbrigade: " + e.getMessage());
      }
    }
  }

  private void reset() {
    history.clear();
    if (system != null) history.add(new JsonObject().put("role", "system").put("content", system));
  }

  /** Streams one answer, printing reasoning dimmed; returns the answer text. */
  private String ask(StreamingClient client, PrintWriter out) throws IOException, InterruptedException {
    JsonObject body = new JsonObject()
        .put("messages", history.copy())
        .put("max_tokens", maxTokens)
        .put("temperature", temperature)
        .put("stream", true)
        .put("chat_template_kwargs", new JsonObject().put("enable_thinking", !noThink));
    StringBuilder answer = new StringBuilder();
    boolean[] inReasoning = {false};
    String[] finish = {null};
    client.stream("/v1/chat/completions", body, event -> {
      JsonArray choices = event.getJsonArray("choices");
      if (choices == null || choices.isEmpty()) return;
      JsonObject choice = choices.getJsonObject(0);
      JsonObject delta = choice.getJsonObject("delta", new JsonObject());
      String reasoning = delta.getString("reasoning_content");
      String content = delta.getString("content");
      if (reasoning != null && !reasoning.isEmpty()) {
        if (!inReasoning[0]) out.print(noColor ? "[thinking] " : DIM + "thinking: ");
        inReasoning[0] = true;
        out.print(reasoning);
      }
      if (content != null && !content.isEmpty()) {
        if (inReasoning[0]) {
          out.print(noColor ? "\n[answer] " : RESET + "\n\n");
          inReasoning[0] = false;
        }
        out.print(content);
        answer.append(content);
      }
      if (choice.getString("finish_reason") != null) finish[0] = choice.getString("finish_reason");
      out.flush();
    });
    if (inReasoning[0] && !noColor) out.print(RESET);
    if ("length".equals(finish[0])) out.print("\n(cut off at --max-tokens " + maxTokens + ")");
    out.println();
    return answer.toString();
  }
}
