package dev.brigade.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.bench.EngineBench;
import dev.brigade.engine.bench.EngineBenchOptions;
import dev.brigade.engine.bench.EngineBenchResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brigade bench-engine --preset NAME [--layers N] [--batch B] [--dtype bf16|fp8]
 * [--json]}: decode and prefill tokens/s of the CPU engine on synthetic weights of a published
 * Qwen3 shape, beside the memory-bandwidth bound measured in the same run.
 */
@Command(
    name = "bench-engine",
    mixinStandardHelpOptions = true,
    description = "Engine decode/prefill tokens/s on a synthetic Qwen3 preset, beside the"
        + " memory-bandwidth bound measured in the same run.")
public final class BenchEngineCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", required = true, paramLabel = "NAME",
      description = "qwen3-0.6b, qwen3-8b, qwen3-32b or qwen3-32b-fp8.")
  String preset;

  @Option(names = "--layers", paramLabel = "N",
      description = "Keep only the first N layers (default: all).")
  int layers;

  @Option(names = "--batch", paramLabel = "B",
      description = "Also measure decode with B sequences at once (default: 1, only batch 1).")
  int batch = 1;

  @Option(names = "--dtype", paramLabel = "bf16|fp8",
      description = "Projection dtype (default: the preset's own).")
  String dtype;

  @Option(names = "--threads", paramLabel = "T",
      description = "Compute threads (default: every available core).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--iterations", paramLabel = "N",
      description = "Timed decode steps (default: ${DEFAULT-VALUE}).")
  int iterations = 32;

  @Option(names = "--warmup", paramLabel = "N",
      description = "Untimed decode steps first (default: ${DEFAULT-VALUE}).")
  int warmup = 8;

  @Option(names = "--prefill-tokens", paramLabel = "N",
      description = "Tokens in the prefill chunk (default: ${DEFAULT-VALUE}).")
  int prefillTokens = 256;

  @Option(names = "--prefill-runs", paramLabel = "N",
      description = "Timed prefill chunks (default: ${DEFAULT-VALUE}).")
  int prefillRuns = 3;

  @Option(names = "--bandwidth-mib", paramLabel = "MIB",
      description = "Bandwidth probe buffer, far larger than the caches (default: ${DEFAULT-VALUE}).")
  long bandwidthMib = 1024;

  @Option(names = "--seed", paramLabel = "S", description = "Weight seed (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--json", description = "Print the figures as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    EngineBenchOptions options = new EngineBenchOptions(preset, layers, dtype, batch, threads,
        warmup, iterations, prefillTokens, prefillRuns, bandwidthMib << 20, 5, seed);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EngineBenchResult r = EngineBench.run(options, line -> {
      err.println(line);
      err.flush();
    });
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(r.toJson()));
    } else {
      out.printf("%s %s, %d layers, %d threads on %s (%d cores)%n", r.preset(), r.dtype(),
          r.layers(), r.threads(), r.machine().cpu(), r.machine().cores());
      out.printf("memory read bandwidth  %8.2f GB/s  (median between decode steps; best"
          + " before decoding %.2f GB/s)%n", r.bandwidthGbS(), r.bestBandwidthGbS());
      out.printf("weights per token      %8.1f MB%n", r.weightBytesPerToken() / 1e6);
      out.printf("bound                  %8.2f tok/s%n", r.boundTokS());
      out.printf("decode (batch 1)       %8.2f tok/s  (%.1f ms, %.0f%% of the bound)%n",
          r.decodeTokS(), r.decodeMs(), 100 * r.ratio());
      out.printf("                                  (%.0f%% of the bound at the best bandwidth)%n",
          100 * r.ratioToBest());
      if (r.batch() > 1) {
        out.printf("decode (batch %d)       %8.2f tok/s%n", r.batch(), r.decodeBatchTokS());
      }
      out.printf("prefill (%d tokens)   %8.2f tok/s%n", r.prefillTokens(), r.prefillTokS());
    }
    out.flush();
    return 0;
  }
}
