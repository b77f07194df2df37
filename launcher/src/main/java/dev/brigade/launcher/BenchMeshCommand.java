package dev.brigade.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.model.TinyModel;
import dev.brigade.launcher.bench.MeshBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade bench-mesh}: decode tokens/s through 1, 2 and 4 stages (each stage a JVM of its
 * own, frames over loopback TCP) against one process running the whole model, and aggregate
 * tokens/s of concurrent sequences against one.
 */
@Command(
    name = "bench-mesh",
    mixinStandardHelpOptions = true,
    description = "Benchmark the mesh's data plane against a single process.")
public final class BenchMeshCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR",
      description = "Model folder (default: the tiny model, written to a temporary folder).")
  Path model;

  @Option(names = "--stages", defaultValue = "1,2,4", split = ",", paramLabel = "N,...",
      description = "Stage counts to measure (default 1,2,4).")
  List<Integer> stages;

  @Option(names = "--prompt-tokens", defaultValue = "32", paramLabel = "P",
      description = "Prompt length (default 32).")
  int promptTokens;

  @Option(names = "--tokens", defaultValue = "64", paramLabel = "T",
      description = "Tokens to generate per sequence (default 64).")
  int tokens;

  @Option(names = "--concurrency", defaultValue = "8", paramLabel = "C",
      description = "Concurrent sequences for the aggregate figure, on every stage count (default 8; 1 skips it).")
  int concurrency;

  @Option(names = "--rounds", defaultValue = "2", paramLabel = "R",
      description = "Runs per figure, alternating with the baseline's (default 2).")
  int rounds;

  @Option(names = "--warmup-tokens", defaultValue = "512", paramLabel = "W",
      description = "Tokens one sequence decodes through each pipeline before it is measured"
          + " (default 512), so the stages run compiled code as a serving worker does.")
  int warmupTokens;

  @Option(names = "--max-warmup-tokens", defaultValue = "8192", paramLabel = "M",
      description = "Past --warmup-tokens, keep warming while the JVMs still spend more than"
          + " 2%% of the time compiling, up to this many tokens (default 8192).")
  int maxWarmupTokens;

  @Option(names = "--in-jvm",
      description = "Run every stage inside this JVM (each its own clustered Vert.x) instead of one JVM per stage.")
  boolean inJvm;

  @Option(names = "--stage-java-opts", paramLabel = "OPTS",
      description = "Extra JVM options for each stage process, space-separated; {name} becomes the stage's id"
          + " (e.g. -XX:StartFlightRecording=filename=/tmp/{name}.jfr).")
  String stageJavaOpts;

  @Option(names = "--cores-per-stage", defaultValue = "0", paramLabel = "K",
      description = "Pin each stage JVM to K cores of its own (taskset, Linux), the baseline to the"
          + " first stage's, so stages on one host behave like K-core machines of their own; needs"
          + " K x the largest stage count cores (default 0: every JVM shares every core).")
  int coresPerStage;

  @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
      description = "cpu (default, SIMD on all cores) or scalar.")
  String backend;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (promptTokens < 1 || tokens < 2 || concurrency < 1 || warmupTokens < 0) {
      throw new IllegalArgumentException("--prompt-tokens must be >= 1, --tokens >= 2, "
          + "--concurrency >= 1 and --warmup-tokens >= 0");
    }
    if (coresPerStage < 0) {
      throw new IllegalArgumentException("--cores-per-stage " + coresPerStage + ": must be >= 0");
    }
    if (maxWarmupTokens < warmupTokens) {
      throw new IllegalArgumentException("--max-warmup-tokens " + maxWarmupTokens
          + ": must be >= --warmup-tokens (" + warmupTokens + ")");
    }
    if (!backend.equals("cpu") && !backend.equals("scalar")) {
      throw new IllegalArgumentException("--backend " + backend + ": use cpu or scalar");
    }
    Path dir = model;
    Path temp = null;
    if (dir == null) {
      temp = Files.createTempDirectory("brigade-bench-tiny-");
      TinyModel.write(temp, false, TinyModel.DEFAULT_SEED);
      dir = temp;
    } else if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalArgumentException("--model " + dir + ": no config.json there");
    }
    try {
      MeshBench.Report report =
          new MeshBench(new MeshBench.Options(dir, new ArrayList<>(stages), promptTokens, tokens,
              concurrency, rounds, warmupTokens, maxWarmupTokens, backend,
              inJvm, stageJavaOpts == null || stageJavaOpts.isBlank() ? List.of() : List.of(stageJavaOpts.trim().split("\\s+")),
              coresPerStage)).run();
      spec.commandLine().getOut().print(json
          ? new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n"
          : MeshBench.table(report));
      spec.commandLine().getOut().flush();
      return 0;
    } finally {
      if (temp != null) {
        try (var paths = Files.walk(temp)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
