package dev.brigade.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.checkpoint.SafetensorsCheckpoint;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerTensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Brigade.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void tinyWritesACheckpointThatOpens(@TempDir Path dir) {
    Path model = dir.resolve("tiny-fp8");
    assertEquals(0, run("model", "tiny", "--out", model.toString(), "--fp8", "--seed", "3"));
    assertTrue(out.toString().contains("model.safetensors"), out.toString());
    assertTrue(out.toString().contains("fp8, seed 3"), out.toString());
    try (SafetensorsCheckpoint c = Checkpoints.open(model)) {
      assertTrue(c.config().fp8());
      assertEquals(DType.F8_E4M3, c.tensor(LayerTensor.Q_PROJ.name(0)).dtype());
    }
  }

  @Test
  void presetWritesTheFirstLayers(@TempDir Path dir) {
    Path model = dir.resolve("p");
    assertEquals(0, run("model", "preset", "--preset", "qwen3-0.6b", "--layers", "1",
        "--out", model.toString()), err.toString());
    try (SafetensorsCheckpoint c = Checkpoints.open(model)) {
      assertEquals(1, c.config().numLayers());
      assertEquals(1024, c.config().hiddenSize());
    }
  }

  @Test
  void badInputIsOneLine(@TempDir Path dir) throws Exception {
    assertEquals(1, run("model", "preset", "--preset", "qwen3-7b", "--out", dir.toString()));
    assertOneLine("unknown preset 'qwen3-7b'");
    assertEquals(1, run("model", "preset", "--preset", "qwen3-8b", "--layers", "99", "--out",
        dir.toString()));
    assertOneLine("layers must be 1..36");
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertEquals(1, run("model", "tiny", "--out", file.toString()));
    assertOneLine("is a file");
    assertEquals(2, run("model", "tiny", "--seed", "x", "--out", dir.toString()));
    assertOneLine("--seed");
    assertEquals(2, run("model", "tiny"));
    assertOneLine("--out");
  }

  private void assertOneLine(String part) {
    String text = err.toString();
    err.getBuffer().setLength(0);
    assertTrue(text.startsWith("brigade: ") && text.contains(part), text);
    assertEquals(1, text.strip().lines().count(), text);
  }
}
