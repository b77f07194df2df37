package dev.brigade.engine.numeric;

/**
 * A tiny, fully specified PRNG (SplitMix64) so generated weights are identical on every JVM and
 * platform. Gaussians use the polar form of Box-Muller with StrictMath.log (platform-independent
 * results, and no sine or cosine), giving two values per accepted pair.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;
  private boolean hasSpare;
  private double spare;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** A seed derived from a parent seed and a label (e.g. a tensor name), well mixed. */
  public static long derive(long seed, String label) {
    long h = 0xCBF29CE484222325L; // FNV-1a over the UTF-16 units
    for (int i = 0; i < label.length(); i++) {
      h = (h ^ label.charAt(i)) * 0x100000001B3L;
    }
    return mix(seed ^ mix(h));
  }

  public static long derive(long seed, long index) {
    return mix(seed + GOLDEN_GAMMA * (index + 1));
  }

  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Standard normal via the polar Box-Muller method; the pair's second value is kept. */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = 2.0 * nextDouble() - 1.0;
      v = 2.0 * nextDouble() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = StrictMath.sqrt(-2.0 * StrictMath.log(s) / s);
    spare = v * m;
    hasSpare = true;
    return u * m;
  }
}
