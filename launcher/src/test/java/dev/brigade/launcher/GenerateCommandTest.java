package dev.brigade.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.engine.text.Qwen3Tokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `brigade generate` on the tiny model written to disk. */
class GenerateCommandTest {

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

  @Test
  void jsonOutputIsTheSameForOneAndThreeSlicesAndItsTextDecodesTheIds() throws Exception {
    Path model = TinyModelFixture.path(false);
    Run one = run("generate", "--model", model.toString(), "--prompt", "The capital of France",
        "--max-tokens", "5", "--json");
    assertEquals(0, one.exitCode(), one.err());
    Run three = run("generate", "--model", model.toString(), "--prompt", "The capital of France",
        "--max-tokens", "5", "--layers-per-slice", "2", "--json");
    assertEquals(0, three.exitCode(), three.err());
    assertEquals(one.out(), three.out());
    JsonNode json = new ObjectMapper().readTree(one.out());
    assertTrue(json.get("token_ids").size() >= 1 && json.get("token_ids").size() <= 5);
    int[] ids = new int[json.get("token_ids").size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = json.get("token_ids").get(i).asInt();
    }
    String text = Qwen3Tokenizer.load(model.resolve("tokenizer.json")).decode(ids);
    assertEquals(text, json.get("text").asText());
  }

  @Test
  void tokensInputSamplingAndPlainOutput() throws Exception {
    Path model = TinyModelFixture.path(true);
    Run a = run("generate", "--model", model.toString(), "--tokens", "785, 6722,315",
        "--max-tokens", "4", "--temperature", "0.8", "--seed", "7", "--json");
    Run b = run("generate", "--model", model.toString(), "--tokens", "785,6722,315",
        "--max-tokens", "4", "--temperature", "0.8", "--seed", "7", "--json");
    assertEquals(0, a.exitCode(), a.err());
    assertEquals(a.out(), b.out(), "same seed, same tokens");
    Run plain = run("generate", "--model", model.toString(), "--tokens", "785,6722,315",
        "--max-tokens", "4", "--temperature", "0.8", "--seed", "7");
    assertEquals(0, plain.exitCode(), plain.err());
    String text = new ObjectMapper().readTree(a.out()).get("text").asText();
    assertEquals(text, plain.out().stripTrailing());
  }

  @Test
  void badInputIsOneLineErrors() {
    Path model = TinyModelFixture.path(false);
    Run badId = run("generate", "--model", model.toString(), "--tokens", "1,x",
        "--max-tokens", "2");
    assertEquals(1, badId.exitCode());
    assertEquals("brigade: --tokens: 'x' is not a token id (expected e.g. 1,2,3)",
        badId.err().strip());
    Run outOfVocab = run("generate", "--model", model.toString(), "--tokens", "999999",
        "--max-tokens", "2");
    assertEquals(1, outOfVocab.exitCode());
    assertEquals("brigade: sequence generate: token id 999999 is outside the vocabulary of"
        + " 151936", outOfVocab.err().strip());
    Run slices = run("generate", "--model", model.toString(), "--tokens", "1",
        "--max-tokens", "2", "--layers-per-slice", "7");
    assertEquals("brigade: --layers-per-slice must be in 1..6, got 7", slices.err().strip());
    Run backend = run("generate", "--model", model.toString(), "--tokens", "1",
        "--max-tokens", "2", "--backend", "gpu");
    assertTrue(backend.err().strip().startsWith("brigade: unknown --backend 'gpu' (expected cpu,"
        + " scalar"), backend.err());
  }
}
