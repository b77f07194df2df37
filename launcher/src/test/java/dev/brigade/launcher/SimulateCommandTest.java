package dev.brigade.launcher;

import static dev.brigade.launcher.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `brigade simulate` on a small fleet: JSON figures, charts on disk, one-line errors. */
class SimulateCommandTest {

  @Test
  void smallFleetPrintsBothPoliciesAsJsonAndWritesCharts(@TempDir Path dir) throws Exception {
    CliRun r = run("simulate", "--nodes", "60", "--hours", "0.5", "--churn", "0.2", "--preset", "qwen3-8b",
        "--seed", "3", "--out", dir.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonObject json = new JsonObject(r.out().strip());
    assertEquals(60, json.getInteger("nodes"));
    assertTrue(json.getJsonObject("ours").getLong("completed") > 0);
    assertTrue(json.getJsonObject("baseline").getLong("requests") > 0);
    for (String f : new String[] {"throughput.png", "pipelines.png", "nodes.png", "summary.txt", "summary.json"})
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
  }

  @Test
  void badInputIsOneLineNamingTheProblem(@TempDir Path dir) throws Exception {
    CliRun preset = run("simulate", "--preset", "llama-70b");
    assertEquals(1, preset.exitCode());
    assertTrue(preset.err().startsWith("brigade: unknown --preset 'llama-70b'"), preset.err());
    CliRun hours = run("simulate", "--hours", "0");
    assertTrue(hours.err().startsWith("brigade: --hours must be > 0"), hours.err());
    Path fleet = dir.resolve("fleet.csv");
    Files.writeString(fleet, "type,memory_gb,bandwidth_gbs,tflops,share\nH100,80,fast,989,1\n");
    CliRun csv = run("simulate", "--fleet", fleet.toString());
    assertTrue(csv.err().startsWith("brigade: " + fleet + ":2: not a number"), csv.err());
    assertEquals(1, csv.err().strip().lines().count());
  }
}
