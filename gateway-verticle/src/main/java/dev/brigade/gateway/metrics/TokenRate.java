package dev.brigade.gateway.metrics;

/**
 * Output tokens per whole second over the last {@link #SECONDS} seconds: a ring of per-second
 * counts, for the dashboard's chart and the recent-rate gauge. Thread-safe (synchronized; touched
 * a few times per token at most).
 */
final class TokenRate {
  static final int SECONDS = 120;
  private final long[] counts = new long[SECONDS];
  private long newestSecond = -1;

  synchronized void add(long nowMillis, int tokens) {
    roll(nowMillis / 1000);
    counts[(int) (newestSecond % SECONDS)] += tokens;
  }

  /** Tokens in each of the last SECONDS whole seconds, oldest first; the current second is excluded. */
  synchronized long[] series(long nowMillis) {
    roll(nowMillis / 1000);
    long[] out = new long[SECONDS];
    for (int i = 0; i < SECONDS; i++) {
      long second = newestSecond - SECONDS + i;
      out[i] = second < 0 ? 0 : counts[(int) (second % SECONDS)];
    }
    return out;
  }

  /** Mean tokens/s over the last {@code window} complete seconds. */
  synchronized double recent(long nowMillis, int window) {
    long[] s = series(nowMillis);
    long sum = 0;
    for (int i = SECONDS - window; i < SECONDS; i++) sum += s[i];
    return (double) sum / window;
  }

  private void roll(long second) {
    if (newestSecond < 0) {
      newestSecond = second;
      return;
    }
    if (second <= newestSecond) return;
    long steps = Math.min(SECONDS, second - newestSecond);
    for (long s = 1; s <= steps; s++) counts[(int) ((newestSecond + s) % SECONDS)] = 0;
    newestSecond = second;
  }
}
