package dev.brigade.launcher.client;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of a list of measurements. */
public final class Percentiles {
  private final double[] sorted;

  public Percentiles(List<Double> values) {
    sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  public int count() {
    return sorted.length;
  }

  /** The p-th percentile (0 < p <= 100), or NaN when there are no values. */
  public double at(double p) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public double mean() {
    return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(Double.NaN);
  }
}
