package dev.brigade.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.incubator.vector.FloatVector;

/**
 * What a benchmark figure was measured on.
 *
 * @param cpu the CPU model from /proc/cpuinfo ("unknown" elsewhere)
 * @param cores processors available to this JVM
 * @param vectorBits the Vector API's preferred vector size here
 */
public record MachineInfo(String cpu, int cores, int vectorBits, String java) {

  public static MachineInfo here() {
    return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(),
        FloatVector.SPECIES_PREFERRED.vectorBitSize(), Runtime.version().toString());
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: say so below
    }
    return "unknown";
  }
}
