package dev.brigade.launcher.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs Debian's headless Chromium once on a throwaway profile; kills it (and its children) if it hangs. */
final class Chromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final long TIMEOUT_S = 90;

  /** What one run printed; {@code stderr} carries the page's console lines (--enable-logging=stderr). */
  record Result(String stdout, String stderr) {
    /** Lines the page wrote to its console (log, warning, error, uncaught exceptions). */
    List<String> consoleLines() {
      return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
    }
  }

  private Chromium() {}

  static Result run(List<String> args) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(BINARY + " is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does)");
    }
    Path profile = Files.createTempDirectory("brigade-chromium");
    Path out = profile.resolve("stdout.txt");
    Path err = profile.resolve("stderr.txt");
    Path userData = profile.resolve("profile");
    List<String> command = new ArrayList<>(List.of(
        BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + userData, "--enable-logging=stderr", "--v=0"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not finish within " + TIMEOUT_S + " s: " + command);
      }
      return new Result(Files.readString(out), Files.readString(err));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
