package dev.brigade.scheduler.simulation;

/** One row of the fleet mix: a node type and its share of the fleet. */
public record GpuType(String name, double memoryGb, double bandwidthGbs, double tflops, double share) {

  public GpuType {
    if (!(memoryGb > 0) || !(bandwidthGbs > 0) || !(tflops > 0) || !(share >= 0))
      throw new IllegalArgumentException("fleet mix row '" + name + "': memory, bandwidth and tflops must be > 0, share >= 0");
  }

  /** Whether this type is a CPU-only node (its memory is system RAM). */
  public boolean cpuOnly() {
    return name.toLowerCase(java.util.Locale.ROOT).contains("cpu");
  }
}
