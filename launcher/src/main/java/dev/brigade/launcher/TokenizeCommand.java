package dev.brigade.launcher;

import dev.brigade.engine.text.ChatMessage;
import dev.brigade.engine.text.ChatTemplate;
import dev.brigade.engine.text.Qwen3Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code brigade tokenize --model DIR [--chat] TEXT [--json]}: the token ids of a text. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = "Print the token ids of TEXT with the model's tokenizer.json.")
public final class TokenizeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder holding tokenizer.json.")
  Path model;

  @Option(names = "--chat", description = "Render TEXT as one user message with the assistant prompt (Qwen3 chat template, thinking on) first.")
  boolean chat;

  @Option(names = "--json", description = "Print {\"ids\":[...]} instead of space-separated ids.")
  boolean json;

  @Parameters(index = "0", paramLabel = "TEXT", description = "The text to tokenize.")
  String text;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(model)) throw new IllegalArgumentException("model directory not found: " + model);
    Path tokenizerJson = model.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException("model directory " + model + " has no tokenizer.json");
    }
    Qwen3Tokenizer tokenizer = Qwen3Tokenizer.load(tokenizerJson);
    String input = chat ? ChatTemplate.render(List.of(ChatMessage.user(text)), List.of(), true, true) : text;
    int[] ids = tokenizer.encode(input);
    String joined = IntStream.of(ids).mapToObj(Integer::toString).collect(Collectors.joining(json ? "," : " "));
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? "{\"ids\":[" + joined + "]}" : joined);
    out.flush();
    return 0;
  }
}
