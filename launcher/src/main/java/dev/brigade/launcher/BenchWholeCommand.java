package dev.brigade.launcher;

import dev.brigade.launcher.bench.WholeModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brigade bench-whole}: the baseline of {@code brigade bench-mesh}, the whole model in
 * a JVM of its own, decoding on request over standard input and output (see {@link WholeModel}).
 */
@Command(
    name = "bench-whole",
    hidden = true,
    description = "The single-process baseline of bench-mesh (started by it; not for direct use).")
public final class BenchWholeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR") Path model;

  @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME") String backend;

  @Option(names = "--max-positions", required = true, paramLabel = "N") int maxPositions;

  @Option(names = "--parent-pid", paramLabel = "PID", description = "Exit when this process ends.")
  long parentPid;

  @Override
  public Integer call() throws Exception {
    Path dir = ModelDir.check(model);
    ParentWatch.haltWhenGone(parentPid);
    try (WholeModel whole = new WholeModel(dir, backend, maxPositions)) {
      // System.out, not picocli's writer: the benchmark reads the replies from this stream
      whole.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    }
    return 0;
  }
}
