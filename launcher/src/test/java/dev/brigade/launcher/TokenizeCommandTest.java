package dev.brigade.launcher;

import static dev.brigade.launcher.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.text.Qwen3Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {

  @TempDir Path model;

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
    CliRun plain = run("tokenize", "--model", model.toString(), "Hello, world!");
    assertEquals(0, plain.exitCode(), plain.err());
    assertEquals("9707 11 1879 0", plain.out().strip());
    CliRun json = run("tokenize", "--model", model.toString(), "Hello, world!", "--json");
    assertEquals("{\"ids\":[9707,11,1879,0]}", json.out().strip());
  }

  @Test
  void chatRendersOneUserTurnWithTheGenerationPrompt() throws IOException {
    copyTokenizerFiles();
    CliRun r = run("tokenize", "--model", model.toString(), "--chat", "--json", "Hi");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("{\"ids\":[151644,872,198,13048,151645,198,151644,77091,198]}", r.out().strip());
  }

  @Test
  void aModelDirWithoutTokenizerIsOneLineError() {
    CliRun r = run("tokenize", "--model", model.toString(), "Hi");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("brigade: ") && r.err().contains("tokenizer.json"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    CliRun missing = run("tokenize", "--model", model.resolve("nope").toString(), "Hi");
    assertTrue(missing.err().contains("model directory not found"), missing.err());
  }

  @Test
  void aCorruptTokenizerNamesTheFile() throws IOException {
    Files.writeString(model.resolve("tokenizer.json"), "{\"model\": [");
    CliRun r = run("tokenize", "--model", model.toString(), "Hi");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains(model.resolve("tokenizer.json").toString()), r.err());
  }
}
