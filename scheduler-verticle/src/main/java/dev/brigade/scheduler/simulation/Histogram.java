package dev.brigade.scheduler.simulation;

/**
 * Percentiles of positive values in constant memory: log-spaced buckets, 100 per decade from
 * 1e-7 to 1e5 (2.3% wide, so percentiles are within about 1%). Values outside are clamped.
 */
final class Histogram {
  private static final double MIN = 1e-7;
  private static final int PER_DECADE = 100;
  private static final int DECADES = 12;
  private final long[] counts = new long[PER_DECADE * DECADES + 1];
  private long total;
  private double sum;
  private double max;

  void add(double value) {
    int i = value <= MIN ? 0 : (int) Math.min(counts.length - 1, Math.floor(Math.log10(value / MIN) * PER_DECADE));
    counts[i]++;
    total++;
    sum += value;
    max = Math.max(max, value);
  }

  long count() {
    return total;
  }

  double mean() {
    return total == 0 ? 0 : sum / total;
  }

  double max() {
    return max;
  }

  /** The q-quantile (0..1), reported at its bucket's geometric middle; 0 when empty. */
  double quantile(double q) {
    if (total == 0) return 0;
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) return Math.min(max, MIN * Math.pow(10, (i + 0.5) / PER_DECADE));
    }
    return max;
  }
}
