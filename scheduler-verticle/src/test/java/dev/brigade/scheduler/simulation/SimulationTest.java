package dev.brigade.scheduler.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small scenarios whose answers are known, and determinism. */
class SimulationTest {

  private static FleetMix only(String row) throws IOException {
    return FleetMix.parse(new StringReader("type,memory_gb,bandwidth_gbs,tflops,share\n" + row + "\n"), "test");
  }

  @Test
  void oneNodeLeavingATwoPipelineFleetIsRepairedAndNoRequestFails() throws IOException {
    // Five 24 GB cards: two 2-stage pipelines and one spare. n0 leaves after ten minutes.
    // Requests may wait up to 10 minutes for room, longer than the repair takes.
    SimConfig config = new SimConfig(5, "qwen3-32b-fp8", 0.5, 0, 0.2, only("RTX 4090,24,1008,165.2,1"), 7,
        5.0, 2e9, 10.0, 600.0, SimConfig.DEFAULT_REPAIR_WAIT_SECONDS, 60.0,
        List.of(new SimConfig.ScriptedLeave("n0", 600)));

    SimResult ours = new Simulation(config, Simulation.Policy.OURS).run();

    assertEquals(1, ours.nodeLosses());
    assertEquals(1, ours.repairs(), "the broken pipeline is repaired with the spare");
    assertEquals(0, ours.failedMidStream());
    assertEquals(0, ours.refused());
    assertTrue(ours.completed() > 200, "requests were served: " + ours.completed());
    assertTrue(ours.completedAfterFailover() > 0, "the broken pipeline's streams moved and finished");
    double[] ready = ours.series().readyPipelines();
    assertEquals(2, ready[ready.length - 1], 0, "two pipelines at the end");

    SimResult baseline = new Simulation(config, Simulation.Policy.BASELINE).run();
    assertTrue(baseline.failedMidStream() > 0, "the baseline drops the streams of the dissolved pipeline");
  }

  @Test
  void aFleetTooSmallForOnePipelineRefusesEveryRequest() throws IOException {
    SimConfig config = SimConfig.of(3, "qwen3-32b-fp8", 0.2, 0, 2.0, only("RTX 3060,12,360,25.6,1"), 3);
    for (Simulation.Policy policy : Simulation.Policy.values()) {
      SimResult r = new Simulation(config, policy).run();
      assertTrue(r.requests() > 100);
      assertEquals(r.requests(), r.refused(), policy + ": every request refused");
      assertEquals(0, r.completed());
      assertEquals(0, r.meanReadyPipelines(), 0);
    }
  }

  @Test
  void theSameSeedGivesTheSameSummary() {
    SimConfig config = SimConfig.of(80, "qwen3-32b-fp8", 1.0, 0.3, 0, FleetMix.shipped(), 11);
    Simulator.Comparison a = Simulator.compare(config);
    Simulator.Comparison b = Simulator.compare(config);
    assertEquals(a.ours().deterministicJson(), b.ours().deterministicJson());
    assertEquals(a.baseline().deterministicJson(), b.baseline().deterministicJson());
    assertTrue(a.ours().nodeLosses() > 5, "churn happened");
    SimConfig other = SimConfig.of(80, "qwen3-32b-fp8", 1.0, 0.3, 0, FleetMix.shipped(), 12);
    assertTrue(!a.ours().deterministicJson().equals(Simulator.compare(other).ours().deterministicJson()));
  }

  @Test
  void chartsAndSummaryAreWritten(@TempDir Path dir) throws IOException {
    SimConfig config = SimConfig.of(40, "qwen3-8b", 0.5, 0.2, 0, FleetMix.shipped(), 5);
    Simulator.Comparison c = Simulator.compare(config);
    List<Path> charts = Simulator.writeCharts(c, dir);
    assertEquals(3, charts.size());
    for (Path p : charts) assertTrue(Files.size(p) > 1000, p + " is a real PNG");
    assertTrue(c.summary().contains("served output tokens/s"));
    assertTrue(c.toJson().getJsonObject("ours").containsKey("ttftSeconds"));
  }

  @Test
  void badFleetFilesAreNamedWithTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FleetMix.parse(new StringReader("type,memory_gb,bandwidth_gbs,tflops,share\nX,abc,1,1,1\n"), "mix.csv"));
    assertTrue(e.getMessage().startsWith("mix.csv:2: not a number"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FleetMix.load(Path.of("/nonexistent/fleet.csv")));
  }

  @Test
  void shippedMixHasTheNamedCards() {
    List<String> names = FleetMix.shipped().types().stream().map(GpuType::name).toList();
    for (String n : List.of("RTX 3060", "RTX 3090", "RTX 4090", "RTX 5090", "L4", "A100 40GB", "A100 80GB", "H100 SXM", "CPU-only"))
      assertTrue(names.contains(n), n);
  }

  @Test
  void servedNeverExceedsTheFleetsUpperBound() throws IOException {
    // Twelve 24 GB cards offered three times what they can serve, so every pipeline runs with
    // its KV cache full: the served rate comes close to the ideal but stays below it.
    FleetMix mix = only("RTX 4090,24,1008,165.2,1");
    SimConfig config = SimConfig.of(12, "qwen3-32b-fp8", 0.5, 0, 30.0, mix, 5);
    FleetBound bound = new FleetBound(dev.brigade.protocol.plan.Qwen3Shapes.preset("qwen3-32b-fp8"));
    assertTrue(bound.context() > 1000 && bound.reserved() > bound.context(), "output-weighted means");
    for (Simulation.Policy policy : Simulation.Policy.values()) {
      SimResult r = new Simulation(config, policy).run();
      assertTrue(r.refused() > 0, policy + ": the fleet is saturated");
      assertTrue(r.servedTokensPerSecond() <= r.boundTokensPerSecond(),
          policy + ": served " + r.servedTokensPerSecond() + " <= bound " + r.boundTokensPerSecond());
      assertTrue(r.servedTokensPerSecond() > 0.2 * r.boundTokensPerSecond(),
          policy + ": the bound is not loose by orders of magnitude: " + r.servedShareOfBound());
      // Twelve cards of 1008 GB/s, each token reading every layer and lm_head once.
      var shape = dev.brigade.protocol.plan.Qwen3Shapes.preset("qwen3-32b-fp8");
      double batchOne = 12 * 1008e9 / ((double) shape.numLayers() * shape.layerWeightBytes() + shape.headBytes());
      assertEquals(batchOne, r.bandwidthBoundTokensPerSecond(), batchOne * 1e-9);
      assertTrue(r.servedTokensPerSecond() > r.bandwidthBoundTokensPerSecond(),
          policy + ": batched decode serves more than one token per weight read: " + r.servedShareOfBandwidthBound());
    }
  }
}
