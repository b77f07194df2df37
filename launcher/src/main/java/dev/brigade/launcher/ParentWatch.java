package dev.brigade.launcher;

/** For the benchmark's child processes: end this JVM as soon as the process that started it is gone. */
final class ParentWatch {
  private ParentWatch() {}

  /** Halts this JVM (status 3) when process {@code pid} exits, or now if it is already gone; 0 or less: no watch. */
  static void haltWhenGone(long pid) {
    if (pid <= 0) {
      return;
    }
    ProcessHandle.of(pid).ifPresentOrElse(
        p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)),
        () -> Runtime.getRuntime().halt(3));
  }
}
