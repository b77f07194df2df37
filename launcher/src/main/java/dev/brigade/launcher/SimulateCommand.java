package dev.brigade.launcher;

import dev.brigade.protocol.plan.Qwen3Shapes;
import dev.brigade.scheduler.simulation.FleetMix;
import dev.brigade.scheduler.simulation.SimConfig;
import dev.brigade.scheduler.simulation.Simulator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade simulate}: the real allocator, repairer and router against a simulated
 * community fleet with churn, beside a Parallax-like baseline.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Simulate the scheduler and router on a churning fleet; print every figure as ours / baseline.")
public final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "10000", description = "Nodes online at the start (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--preset", defaultValue = "qwen3-32b-fp8", description = "Model: qwen3-32b-fp8, qwen3-32b, qwen3-8b or qwen3-0.6b (default ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--hours", defaultValue = "24", description = "Simulated hours (default ${DEFAULT-VALUE}).")
  double hours;

  @Option(names = "--churn", defaultValue = "0.1", description = "Share of the fleet leaving per hour (default ${DEFAULT-VALUE}).")
  double churn;

  @Option(names = "--qps", defaultValue = "0", description = "Requests per second; 0 (auto) offers output tokens at 10% of the fleet's upper bound (default auto); saturated, the shipped mix serves about 60% of it.")
  double qps;

  @Option(names = "--fleet", description = "GPU mix CSV (type,memory_gb,bandwidth_gbs,tflops,share); default: the shipped mix.")
  Path fleet;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "Folder for the charts (throughput.png, pipelines.png, nodes.png) and summary.")
  Path out;

  @Option(names = "--json", description = "Print the results as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Qwen3Shapes.PRESETS.contains(preset))
      throw new IllegalArgumentException("unknown --preset '" + preset + "' (known: " + String.join(", ", Qwen3Shapes.PRESETS) + ")");
    FleetMix mix = fleet == null ? FleetMix.shipped() : FleetMix.load(fleet);
    SimConfig config = SimConfig.of(nodes, preset, hours, churn, qps, mix, seed);
    Simulator.Comparison result = Simulator.compare(config);
    PrintWriter pw = spec.commandLine().getOut();
    if (out != null) {
      List<Path> charts = Simulator.writeCharts(result, out);
      java.nio.file.Files.writeString(out.resolve("summary.txt"), result.summary());
      java.nio.file.Files.writeString(out.resolve("summary.json"), result.toJson().encodePrettily());
      if (!json) for (Path c : charts) pw.println("chart: " + c);
    }
    pw.print(json ? result.toJson().encode() + System.lineSeparator() : result.summary());
    pw.flush();
    return 0;
  }
}
