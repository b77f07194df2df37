package dev.brigade.launcher.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Disjoint sets of this process's CPUs, one per benchmark JVM, so that stages sharing one host
 * behave like machines of their own: each stage computes on its own cores, and two stages
 * busy at once (several sequence groups in flight) no longer take turns on the same ones.
 * Processes are pinned with {@code taskset}, which execs the JVM: the PID the benchmark stops
 * is the JVM's own.
 */
final class CoreSets {
  private final List<Integer> allowed;
  private final int perProcess;

  /**
   * @param allowed the CPU ids this process may run on, in order
   * @param perProcess cores each pinned process gets
   * @param processes how many processes need cores of their own
   * @throws IllegalArgumentException when they do not fit, naming the option
   */
  CoreSets(List<Integer> allowed, int perProcess, int processes) {
    if (perProcess < 1) {
      throw new IllegalArgumentException("--cores-per-stage " + perProcess + ": must be >= 1");
    }
    if ((long) perProcess * processes > allowed.size()) {
      throw new IllegalArgumentException("--cores-per-stage " + perProcess + ": " + processes
          + (processes == 1 ? " stage needs " : " stages need ") + perProcess * processes + " cores, this process may use "
          + allowed.size() + " (" + list(allowed) + ")");
    }
    this.allowed = List.copyOf(allowed);
    this.perProcess = perProcess;
  }

  /** The cores of process {@code index} (0-based), as taskset's list argument. */
  String coresOf(int index) {
    return list(allowed.subList(index * perProcess, (index + 1) * perProcess));
  }

  int perProcess() {
    return perProcess;
  }

  /** The command that runs {@code command} on process {@code index}'s cores. */
  List<String> pinned(int index, List<String> command) {
    List<String> out = new ArrayList<>(List.of("taskset", "-c", coresOf(index)));
    out.addAll(command);
    return out;
  }

  /**
   * Fails with a one-line message unless {@code taskset} can pin a process to the first set
   * here (missing from PATH, or not allowed to change affinity, as in some containers).
   */
  void requireTaskset() {
    String why;
    try {
      Process p = new ProcessBuilder("taskset", "-c", coresOf(0), "true").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() == 0) {
        return;
      }
      why = "taskset failed: " + out;
    } catch (IOException e) {
      why = "taskset (util-linux) is not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted";
    }
    throw new IllegalArgumentException("--cores-per-stage: cannot pin processes here, " + why);
  }

  /** The CPUs this process may run on, from /proc/self/status (Linux only). */
  static List<Integer> allowedHere() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return parse(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException e) {
      // not Linux: handled below
    }
    throw new IllegalArgumentException("--cores-per-stage: needs Linux (/proc/self/status lists no CPUs here)");
  }

  /** "0-3,8,10-11" as [0, 1, 2, 3, 8, 10, 11]. */
  static List<Integer> parse(String list) {
    List<Integer> out = new ArrayList<>();
    for (String part : list.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
      int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
      for (int c = from; c <= to; c++) {
        out.add(c);
      }
    }
    return out;
  }

  /** [0, 1, 2, 5] as "0,1,2,5": taskset takes any comma list. */
  static String list(List<Integer> cores) {
    return cores.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
