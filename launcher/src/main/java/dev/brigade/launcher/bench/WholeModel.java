package dev.brigade.launcher.bench;

import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.generate.Generator;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.sampling.SamplingParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The benchmark's baseline: the whole model in one process, decoding greedily. It runs either
 * here ({@link #decode}) or in a JVM of its own that answers decode requests line by line on
 * its standard input ({@link #serve}, started by {@link BaselineProcess}).
 *
 * <p>Request line: {@code decode TOKENS ID,ID,...} (the prompt). Reply line: {@code tokens
 * ID,ID,... times NANOS,NANOS,...}, each token with the {@link System#nanoTime} at which it
 * was sampled (one clock for every process of a Linux machine, and only differences are used).
 * Request line {@code jit}: reply {@code jit MILLIS}, the JVM's compile time so far.
 */
public final class WholeModel implements Baseline {
  /** Printed once the model is loaded. */
  public static final String READY = "bench-whole ready";

  private final Checkpoint checkpoint;
  private final SliceChain chain;

  public WholeModel(Path model, String backend, int maxPositions) {
    this.checkpoint = Checkpoints.open(model);
    try {
      this.chain = SliceChain.load(checkpoint, BenchStage.backend(backend),
          checkpoint.config().numLayers(), maxPositions, DType.BF16);
    } catch (RuntimeException e) {
      checkpoint.close();
      throw e;
    }
  }

  /** One greedy sequence of {@code tokens} tokens after {@code prompt}, each with its time. */
  @Override
  public MeshBench.TimedTokens decode(int[] prompt, int tokens) {
    MeshBench.TimedTokens t = new MeshBench.TimedTokens();
    new Generator(chain).generate("bench", prompt, tokens, SamplingParams.greedy(), Set.of(), t::add);
    return t;
  }

  @Override
  public long jitMillis() {
    return JitClock.millis();
  }

  /** Answers request lines from {@code in} until it ends. */
  public void serve(BufferedReader in, PrintStream out) throws IOException {
    out.println(READY);
    out.flush();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] f = line.strip().split(" ");
      if (f.length == 1 && f[0].equals("jit")) {
        out.println("jit " + jitMillis());
        out.flush();
        continue;
      }
      if (f.length != 3 || !f[0].equals("decode")) {
        throw new IllegalArgumentException("bench-whole: expected 'decode TOKENS IDS' or 'jit', got '" + line + "'");
      }
      int[] prompt = Arrays.stream(f[2].split(",")).mapToInt(Integer::parseInt).toArray();
      MeshBench.TimedTokens t = decode(prompt, Integer.parseInt(f[1]));
      out.println("tokens " + join(t.tokens) + " times " + join(t.times));
      out.flush();
    }
  }

  static String join(java.util.List<? extends Number> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    try {
      chain.close();
    } finally {
      checkpoint.close();
    }
  }
}
