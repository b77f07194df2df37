package dev.brigade.launcher.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The baseline in a JVM of its own ({@code brigade bench-whole}), started and warmed like a
 * stage: a fair "one process running the whole model". Measured in the benchmark's own JVM,
 * which also hosts the gateway and the cluster's first member and had decoded only a few
 * dozen tokens, the baseline ran at 14-16 tokens/s where a fresh process warmed with 512
 * tokens ran at 20-22 (0.6B shape, 2 cores), which flattered every pipeline figure.
 */
final class BaselineProcess implements Baseline {
  private final Process process;
  private final BufferedReader replies;
  private final PrintStream requests;

  BaselineProcess(StageProcesses processes, List<String> args) throws Exception {
    this.process = processes.startPiped("bench-whole", 0, "bench-whole", args);
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.requests = new PrintStream(process.getOutputStream(), false, StandardCharsets.UTF_8);
    // The JVM may print first on the same stream (a flight recording's start, from
    // --stage-java-opts): lines before the ready line are passed over.
    StringBuilder before = new StringBuilder();
    for (String line = replies.readLine(); !WholeModel.READY.equals(line); line = replies.readLine()) {
      if (line == null) {
        throw new IllegalStateException("bench-whole did not start (log: "
            + processes.log("bench-whole") + "): " + before.toString().strip());
      }
      before.append(line).append('\n');
    }
  }

  /** One greedy sequence, decoded by the baseline process; its tokens and their times. */
  @Override
  public MeshBench.TimedTokens decode(int[] prompt, int tokens) throws Exception {
    requests.println("decode " + tokens + " " + WholeModel.join(Arrays.stream(prompt).boxed().toList()));
    requests.flush();
    String reply = replies.readLine();
    String[] f = reply == null ? new String[0] : reply.split(" ");
    if (f.length != 4 || !f[0].equals("tokens") || !f[2].equals("times")) {
      throw new IllegalStateException("bench-whole answered '" + reply + "' (exit "
          + (process.isAlive() ? "none yet" : process.exitValue()) + ")");
    }
    MeshBench.TimedTokens t = new MeshBench.TimedTokens();
    String[] ids = f[1].split(",");
    String[] times = f[3].split(",");
    for (int i = 0; i < ids.length; i++) {
      t.tokens.add(Integer.parseInt(ids[i]));
      t.times.add(Long.parseLong(times[i]));
    }
    return t;
  }

  @Override
  public long jitMillis() throws Exception {
    requests.println("jit");
    requests.flush();
    String reply = replies.readLine();
    String[] f = reply == null ? new String[0] : reply.split(" ");
    if (f.length != 2 || !f[0].equals("jit")) {
      throw new IllegalStateException("bench-whole answered '" + reply + "' to jit");
    }
    return Long.parseLong(f[1]);
  }

  /** Ends the request stream; the process exits on it (and is stopped by PID with the stages). */
  @Override
  public void close() {
    requests.close();
  }
}
