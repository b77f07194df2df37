package dev.brigade.launcher;

import static dev.brigade.launcher.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.engine.text.Qwen3Tokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `brigade generate` on the tiny model written to disk. */
class GenerateCommandTest {

  @Test
  void jsonOutputIsTheSameForOneAndThreeSlicesAndItsTextDecodesTheIds() throws Exception {
    Path model = TinyModelFixture.path(false);
    CliRun one = run("generate", "--model", model.toString(), "--prompt", "The capital of France",
        "--max-tokens", "5", "--json");
    assertEquals(0, one.exitCode(), one.err());
    CliRun three = run("generate", "--model", model.toString(), "--prompt", "The capital of France",
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
    CliRun a = run("generate", "--model", model.toString(), "--tokens", "785, 6722,315",
        "--max-tokens", "4", "--temperature", "0.8", "--seed", "7", "--json");
    CliRun b = run("generate", "--model", model.toString(), "--tokens", "785,6722,315",
        "--max-tokens", "4", "--temperature", "0.8", "--seed", "7", "--json");
    assertEquals(0, a.exitCode(), a.err());
    assertEquals(a.out(), b.out(), "same seed, same tokens");
    CliRun plain = run("generate", "--model", model.toString(), "--tokens", "785,6722,315",
        "--max-tokens", "4", "--temperature", "0.8", "--seed", "7");
    assertEquals(0, plain.exitCode(), plain.err());
    String text = new ObjectMapper().readTree(a.out()).get("text").asText();
    assertEquals(text, plain.out().stripTrailing());
  }

  @Test
  void badInputIsOneLineErrors() {
    Path model = TinyModelFixture.path(false);
    CliRun badId = run("generate", "--model", model.toString(), "--tokens", "1,x",
        "--max-tokens", "2");
    assertEquals(1, badId.exitCode());
    assertEquals("brigade: --tokens: 'x' is not a token id (expected e.g. 1,2,3)",
        badId.err().strip());
    CliRun outOfVocab = run("generate", "--model", model.toString(), "--tokens", "999999",
        "--max-tokens", "2");
    assertEquals(1, outOfVocab.exitCode());
    assertEquals("brigade: sequence generate: token id 999999 is outside the vocabulary of"
        + " 151936", outOfVocab.err().strip());
    CliRun slices = run("generate", "--model", model.toString(), "--tokens", "1",
        "--max-tokens", "2", "--layers-per-slice", "7");
    assertEquals("brigade: --layers-per-slice must be in 1..6, got 7", slices.err().strip());
    CliRun backend = run("generate", "--model", model.toString(), "--tokens", "1",
        "--max-tokens", "2", "--backend", "gpu");
    assertTrue(backend.err().strip().startsWith("brigade: unknown --backend 'gpu' (expected cpu,"
        + " scalar"), backend.err());
  }
}
