package dev.brigade.launcher.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How long this JVM's JIT compilers have run so far. bench-mesh warms each JVM until this stops
 * growing much: a stage runs a layer only a few times per token, so its C2 compiles trail the
 * whole-model baseline's by minutes, and while they run they take a share of the same cores.
 */
final class JitClock {
  private JitClock() {}

  /** Milliseconds of compilation so far (summed over compiler threads), or 0 where the JVM does not say. */
  static long millis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }
}
