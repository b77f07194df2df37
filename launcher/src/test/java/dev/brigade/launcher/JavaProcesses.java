package dev.brigade.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `brigade` commands run as separate JVMs from this test's classpath. Every process started is
 * remembered and stopped by PID in {@link #close()}, each within a bounded wait.
 */
final class JavaProcesses implements AutoCloseable {
  private final Path logDir;
  private final List<Process> started = new ArrayList<>();

  JavaProcesses(Path logDir) throws IOException {
    this.logDir = Files.createDirectories(logDir);
  }

  /** Starts {@code brigade args...}; stdout and stderr go to {@code <logDir>/<name>.log}. */
  Process start(String name, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xss2m", "-Xmx384m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Brigade.class.getName()));
    command.addAll(args);
    Path log = logDir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p);
    return p;
  }

  /** Waits for a process started with {@link #start} and returns its output; fails on a non-zero exit. */
  String finish(String name, Process p) throws Exception {
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish");
    }
    String out = Files.readString(logDir.resolve(name + ".log"));
    if (p.exitValue() != 0) {
      throw new AssertionError(name + " exited with " + p.exitValue() + ": " + out);
    }
    return out;
  }

  String log(String name) throws IOException {
    return Files.readString(logDir.resolve(name + ".log"));
  }

  /** SIGKILL: the JVM gets no chance to say goodbye. */
  static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (Process p : started) {
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
