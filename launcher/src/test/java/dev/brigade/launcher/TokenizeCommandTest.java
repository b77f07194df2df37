package dev.brigade.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.text.Qwen3Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenizeCommandTest {

  @TempDir Path model;

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Brigade.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private void copyTokenizerFiles() throws IOException {
    for (String name : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      try (InputStream in = Qwen3Tokenizer.class.getResourceAsStream(Qwen3Tokenizer.RESOURCE_DIR + name)) {
        Files.copy(in, model.resolve(name));
      }
    }
  }

  @Test
  void printsIdsSpaceSeparatedOrAsJson() throws IOException {
    copyTokenizerFiles();
    Run plain = run("tokenize", "--model", model.toString(), "Hello, world!");
    assertEquals(0, plain.exitCode(), plain.err());
    assertEquals("9707 11 1879 0", plain.out().strip());
    Run json = run("tokenize", "--model", model.toString(), "Hello, world!", "--json");
    assertEquals("{\"ids\":[9707,11,1879,0]}", json.out().strip());
  }

  @Test
  void chatRendersOneUserTurnWithTheGenerationPrompt() throws IOException {
    copyTokenizerFiles();
    Run r = run("tokenize", "--model", model.toString(), "--chat", "--json", "Hi");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("{\"ids\":[151644,872,198,13048,151645,198,151644,77091,198]}", r.out().strip());
  }

  @Test
  void aModelDirWithoutTokenizerIsOneLineError() {
    Run r = run("tokenize", "--model", model.toString(), "Hi");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("brigade: ") && r.err().contains("tokenizer.json"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    Run missing = run("tokenize", "--model", model.resolve("nope").toString(), "Hi");
    assertTrue(missing.err().contains("model directory not found"), missing.err());
  }

  @Test
  void aCorruptTokenizerNamesTheFile() throws IOException {
    Files.writeString(model.resolve("tokenizer.json"), "{\"model\": [");
    Run r = run("tokenize", "--model", model.toString(), "Hi");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains(model.resolve("tokenizer.json").toString()), r.err());
  }
}
