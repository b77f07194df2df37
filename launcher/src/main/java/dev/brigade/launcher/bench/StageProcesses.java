package dev.brigade.launcher.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's JVMs (its stages, and its baseline): {@code brigade bench-stage} or
 * {@code bench-whole} started with this JVM's own flags
 * (those `./brigade` passes) and class path. Every process started is stopped by PID in {@link
 * #close()} within a bounded wait, and by a shutdown hook when this JVM ends early (Ctrl-C); a
 * stage also ends by itself once this process is gone (it watches our PID).
 */
final class StageProcesses implements AutoCloseable {
  private static final long READY_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(3);

  private final Path logDir;
  private final String mainClass;
  private final List<String> extraJvmOptions;
  /** Where each process may run; null: every process shares every core. */
  private final CoreSets cores;
  private final List<Process> started = new ArrayList<>();
  private final Thread hook = new Thread(this::killAll, "bench-stage-reaper");

  /** @param cores each process's own cores, or null to let every process use every core */
  StageProcesses(Path logDir, String mainClass, List<String> extraJvmOptions, CoreSets cores) {
    this.logDir = logDir;
    this.mainClass = mainClass;
    this.extraJvmOptions = List.copyOf(extraJvmOptions);
    this.cores = cores;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The JVM flags of this process, less a debugger agent and a flight recording (a stage that
   * should record gets its own through {@code extraJvmOptions}).
   */
  static List<String> inheritedJvmOptions() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-XX:StartFlightRecording")
          && !a.startsWith("-XX:FlightRecorderOptions")) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Starts {@code brigade bench-stage args...} as {@code name} on core set {@code coreSet} (when
   * pinned); output goes to {@code <logDir>/<name>.log}.
   */
  Process start(String name, int coreSet, List<String> args) throws IOException {
    return track(new ProcessBuilder(command(name, coreSet, "bench-stage", args)).redirectErrorStream(true)
        .redirectOutput(log(name).toFile()).start());
  }

  /**
   * Starts {@code brigade <subcommand> args...} as {@code name} on core set {@code coreSet} (when
   * pinned) with its standard input and output piped to this process; its standard error goes
   * to {@code <logDir>/<name>.log}.
   */
  Process startPiped(String name, int coreSet, String subcommand, List<String> args) throws IOException {
    return track(new ProcessBuilder(command(name, coreSet, subcommand, args))
        .redirectError(log(name).toFile()).start());
  }

  private List<String> command(String name, int coreSet, String subcommand, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(inheritedJvmOptions());
    command.addAll(extraJvmOptions.stream().map(o -> o.replace("{name}", name)).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, subcommand));
    command.addAll(args);
    command.addAll(List.of("--parent-pid", Long.toString(ProcessHandle.current().pid())));
    return cores == null ? command : cores.pinned(coreSet, command);
  }

  private Process track(Process p) {
    synchronized (started) {
      started.add(p);
    }
    return p;
  }

  Path log(String name) {
    return logDir.resolve(name + ".log");
  }

  /** Waits until {@code p} printed {@code readyLine}; fails with its log when it exits first or takes too long. */
  void awaitReady(String name, Process p, String readyLine) throws Exception {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      String out = Files.exists(log(name)) ? Files.readString(log(name)) : "";
      if (out.contains(readyLine)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("stage process " + name + " exited with " + p.exitValue() + ": " + tail(out));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("stage process " + name + " not ready after "
        + TimeUnit.MILLISECONDS.toSeconds(READY_TIMEOUT_MILLIS) + " s (log: " + log(name) + ")");
  }

  private static String tail(String log) {
    String t = log.strip();
    return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
  }

  /** SIGTERM to every stage (flight recordings are written on it), then SIGKILL to any left after 10 s. */
  @Override
  public void close() throws InterruptedException {
    List<Process> all;
    synchronized (started) {
      all = List.copyOf(started);
    }
    for (Process p : all) {
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Process p : all) {
      long left = deadline - System.nanoTime();
      if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing left to remove
    }
  }

  /** The shutdown hook: SIGKILL whatever is still running, each by its PID. */
  private void killAll() {
    List<Process> all;
    synchronized (started) {
      all = List.copyOf(started);
    }
    for (Process p : all) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (Process p : all) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
