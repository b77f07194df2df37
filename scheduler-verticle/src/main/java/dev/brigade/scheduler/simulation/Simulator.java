package dev.brigade.scheduler.simulation;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.Qwen3Shapes;
import dev.brigade.scheduler.plan.Allocator;
import dev.brigade.scheduler.plan.Fleet;
import dev.brigade.scheduler.plan.Transition;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs ours and the baseline on the same fleet and traffic, and reports both side by side. */
public final class Simulator {
  /** Both policies' results plus what the comparison needs. */
  public record Comparison(SimConfig config, double qps, SimResult ours, SimResult baseline, long schedulerStateBytes) {

    public JsonObject toJson() {
      return new JsonObject()
          .put("nodes", config.nodes())
          .put("preset", config.preset())
          .put("hours", config.hours())
          .put("churnPerHour", config.churnPerHour())
          .put("qps", qps)
          .put("seed", config.seed())
          .put("schedulerStateBytes", schedulerStateBytes)
          .put("ours", ours.toJson())
          .put("baseline", baseline.toJson());
    }

    public String summary() {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT,
          "simulated %d nodes, %s, %.1f h, churn %.0f%%/h, %.1f requests/s, seed %d%n",
          config.nodes(), config.preset(), config.hours(), config.churnPerHour() * 100, qps, config.seed()));
      b.append("figure                              ours / baseline\n");
      line(b, "served output tokens/s", "%.0f", ours.servedTokensPerSecond(), baseline.servedTokensPerSecond());
      b.append(String.format(Locale.ROOT, "%-34s  %.0f%n", "fleet upper bound tokens/s", ours.boundTokensPerSecond()));
      line(b, "served share of upper bound", "%.1f%%", 100 * ours.servedShareOfBound(), 100 * baseline.servedShareOfBound());
      b.append(String.format(Locale.ROOT, "%-34s  %.0f%n", "batch-1 bandwidth bound tokens/s", ours.bandwidthBoundTokensPerSecond()));
      line(b, "served share of batch-1 bound", "%.1f%%", 100 * ours.servedShareOfBandwidthBound(),
          100 * baseline.servedShareOfBandwidthBound());
      if (baseline.servedTokensPerSecond() > 0)
        b.append(String.format(Locale.ROOT, "%-34s  %.2fx%n", "throughput ours vs baseline",
            ours.servedTokensPerSecond() / baseline.servedTokensPerSecond()));
      line(b, "requests completed", "%.3f%%", 100 * ours.completedShare(), 100 * baseline.completedShare());
      line(b, "  of which after a failover", "%.3f%%", 100 * ours.failoverShare(), 100 * baseline.failoverShare());
      line(b, "requests failed mid-stream", "%d", ours.failedMidStream(), baseline.failedMidStream());
      line(b, "requests refused/timed out", "%d", ours.refused(), baseline.refused());
      line(b, "TTFT p50 s", "%.3f", ours.ttft()[0], baseline.ttft()[0]);
      line(b, "TTFT p99 s", "%.3f", ours.ttft()[2], baseline.ttft()[2]);
      line(b, "inter-token latency p50 s", "%.4f", ours.itl()[0], baseline.itl()[0]);
      line(b, "inter-token latency p99 s", "%.4f", ours.itl()[2], baseline.itl()[2]);
      line(b, "ready pipelines (mean)", "%.0f", ours.meanReadyPipelines(), baseline.meanReadyPipelines());
      line(b, "ready pipelines (min)", "%d", ours.minReadyPipelines(), baseline.minReadyPipelines());
      line(b, "loss to repaired pipeline p50 s", "%.1f", ours.repairSeconds()[0], baseline.repairSeconds()[0]);
      line(b, "loss to repaired pipeline p99 s", "%.1f", ours.repairSeconds()[2], baseline.repairSeconds()[2]);
      line(b, "scheduler CPU per event p50 ms", "%.3f", 1000 * ours.allocatorSeconds()[0], 1000 * baseline.allocatorSeconds()[0]);
      line(b, "scheduler CPU per event p99 ms", "%.3f", 1000 * ours.allocatorSeconds()[2], 1000 * baseline.allocatorSeconds()[2]);
      line(b, "scheduler CPU per event max ms", "%.1f", 1000 * ours.allocatorSeconds()[3], 1000 * baseline.allocatorSeconds()[3]);
      line(b, "scheduler wall per event p99 ms", "%.3f", 1000 * ours.allocatorWallSeconds()[2], 1000 * baseline.allocatorWallSeconds()[2]);
      line(b, "initial allocation ms", "%.1f", 1000 * ours.initialAllocationSeconds(), 1000 * baseline.initialAllocationSeconds());
      line(b, "node losses / joins", "%d", ours.nodeLosses(), ours.nodeJoins());
      b.append(String.format(Locale.ROOT, "%-34s  %.1f MiB%n", "scheduler state at start", schedulerStateBytes / 1048576.0));
      line(b, "simulation wall time s", "%.1f", ours.wallSeconds(), baseline.wallSeconds());
      b.append("upper bound: every online node at its roofline ideal (all its memory as KV cache for the\n"
          + "largest micro-batch, no hops, transfers, prefill, loading or churn losses); see README\n"
          + "batch-1 bound: online memory bandwidth / weight bytes per token, one token at a time;\n"
          + "batching reads the weights once for many tokens, so serving can exceed it\n");
      return b.toString();
    }

    private static void line(StringBuilder b, String name, String format, double ours, double baseline) {
      b.append(String.format(Locale.ROOT, "%-34s  " + format + " / " + format + "%n", name, ours, baseline));
    }

    private static void line(StringBuilder b, String name, String format, long ours, long baseline) {
      b.append(String.format(Locale.ROOT, "%-34s  " + format + " / " + format + "%n", name, ours, baseline));
    }
  }

  private Simulator() {}

  /** Runs both policies (on two threads) and returns the comparison. */
  public static Comparison compare(SimConfig config) {
    long stateBytes = schedulerStateBytes(config);
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "simulation");
      t.setDaemon(true);
      return t;
    });
    try {
      Simulation ours = new Simulation(config, Simulation.Policy.OURS);
      Simulation baseline = new Simulation(config, Simulation.Policy.BASELINE);
      Future<SimResult> a = pool.submit(ours::run);
      Future<SimResult> b = pool.submit(baseline::run);
      SimResult oursResult = a.get(), baselineResult = b.get();
      return new Comparison(config, ours.qps(), oursResult, baselineResult, stateBytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) throw re;
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
  }

  public static List<Path> writeCharts(Comparison c, Path dir) throws IOException {
    return Charts.write(dir, c.ours(), c.baseline());
  }

  /**
   * Heap the scheduler's state takes for the starting fleet: heap in use after a full
   * allocation minus before, each read after a GC request (an estimate; the JVM may ignore it).
   */
  static long schedulerStateBytes(SimConfig config) {
    ModelShape shape = Qwen3Shapes.preset(config.preset());
    Random rng = new Random(config.seed());
    List<NodeSpec> nodes = new ArrayList<>(config.nodes());
    for (int i = 0; i < config.nodes(); i++) {
      GpuType type = config.mix().draw(rng);
      double bw = type.bandwidthGbs() * 1e9;
      nodes.add(new NodeSpec("n" + i, (long) (type.memoryGb() * 1e9 * 0.9), shape.layerWeightBytes() / bw,
          bw, type.tflops() * 1e12, Geography.draw(rng).name(), rng.nextDouble() * 90, rng.nextDouble() * 180));
    }
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    Fleet fleet = Fleet.allocate(shape, Simulation.ALLOCATOR, nodes, Allocator.KRule.BEST, new ArrayList<Transition>());
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    if (fleet.nodeCount() != nodes.size()) throw new IllegalStateException("fleet lost nodes");
    return Math.max(0, after - before);
  }
}
