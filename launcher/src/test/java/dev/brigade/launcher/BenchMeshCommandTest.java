package dev.brigade.launcher;

import static dev.brigade.launcher.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.testing.TinyModelFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bench-mesh end to end on the tiny model: every stage in a JVM of its own, tokens equal to the
 * single process's, and every stage process gone when the command returns. Timings are only
 * checked to be present.
 */
class BenchMeshCommandTest {

  private static List<ProcessHandle> liveChildren() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  @Test
  void stageProcessesGiveTheSingleProcessTokensAndAreAllStopped() throws Exception {
    List<ProcessHandle> before = liveChildren();
    CliRun r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--stages", "1,2",
        "--tokens", "4", "--prompt-tokens", "5", "--concurrency", "2", "--rounds", "1",
        "--warmup-tokens", "8", "--max-warmup-tokens", "64", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("one JVM per stage", j.get("stageMode").asText());
    assertEquals("a JVM of its own", j.get("baselineMode").asText());
    assertEquals(2, j.get("runs").size());
    for (int i = 0; i < 2; i++) {
      JsonNode run = j.get("runs").get(i);
      assertEquals(i + 1, run.get("stages").asInt());
      assertTrue(run.get("pipeline").get("identical").asBoolean(), "stage count " + (i + 1) + ": " + run);
      assertTrue(run.get("pipeline").get("tokensPerSecond").asDouble() > 0, run.toString());
      assertTrue(run.get("baseline").get("tokensPerSecond").asDouble() > 0, run.toString());
      assertTrue(run.get("concurrent").get("tokensPerSecond").asDouble() > 0, run.toString());
      assertTrue(run.get("concurrentDecode").get("tokensPerSecond").asDouble() > 0, run.toString());
      assertTrue(run.get("oneDecode").get("tokensPerSecond").asDouble() > 0, run.toString());
      assertEquals(i + 1, run.get("concurrentMeanBatch").size(), "one batch figure per stage");
      assertEquals(i + 1, run.get("stageLayers").size(), "one layer count per stage: " + run);
      for (JsonNode layers : run.get("stageLayers")) {
        assertTrue(layers.asInt() >= 1, run.toString());
      }
      int warmed = run.get("warmupTokens").asInt();
      assertTrue(warmed >= 8 && warmed <= 64, "warmed past --warmup-tokens, within --max-warmup-tokens: " + run);
      assertTrue(run.get("jitShare").asDouble() >= 0, run.toString());
    }
    assertEquals(before, liveChildren(), "every bench-stage process and the baseline process were stopped");
  }

  @Test
  void pinnedStagesEachSeeOnlyTheirOwnCores() throws Exception {
    assumeTrue(new ProcessBuilder("taskset", "-c", "0", "true").start().waitFor() == 0,
        "taskset can pin processes here");
    List<ProcessHandle> before = liveChildren();
    CliRun r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--stages", "1",
        "--cores-per-stage", "1", "--tokens", "4", "--prompt-tokens", "5", "--concurrency", "1",
        "--rounds", "1", "--warmup-tokens", "4", "--max-warmup-tokens", "8", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(1, j.get("coresPerStage").asInt());
    assertEquals("[1]", j.get("stageCores").toString(), "the stage JVM sized itself to its one core");
    assertTrue(j.get("stageMode").asText().contains("pinned to 1 core"), j.toString());
    assertTrue(j.get("runs").get(0).get("pipeline").get("identical").asBoolean(), j.toString());
    assertEquals(before, liveChildren(), "every pinned process was stopped");
  }

  @Test
  void badSettingsAreOneLineErrors() {
    CliRun r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--rounds", "0");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("brigade: --rounds 0"), r.err());
    r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--stages", "1,99");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--stages 99"), r.err());
    r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--warmup-tokens", "-1");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--warmup-tokens >= 0"), r.err());
    r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--warmup-tokens", "600",
        "--max-warmup-tokens", "512");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("brigade: --max-warmup-tokens 512: must be >= --warmup-tokens (600)"), r.err());
    r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--stages", "2",
        "--cores-per-stage", "100000");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("brigade: --cores-per-stage 100000: 2 stages need 200000 cores"), r.err());
    r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--cores-per-stage", "1", "--in-jvm");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("brigade: --cores-per-stage: needs one JVM per stage"), r.err());
    r = run("bench-mesh", "--model", TinyModelFixture.path(false).toString(), "--cores-per-stage", "-1");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("brigade: --cores-per-stage -1: must be >= 0"), r.err());
  }
}
