package dev.brigade.gateway.mesh;

/**
 * The sequence client's timeouts and limits, validated once.
 *
 * @param startTimeoutMillis how long the head may take to accept a StartSequence
 * @param progressDeadlineMillis a sequence with no new token for this long is restarted on
 *     another pipeline (covers a frozen stage and a lost frame)
 * @param maxAttempts runs per sequence, the first included, before it fails
 */
public record MeshSettings(long startTimeoutMillis, long progressDeadlineMillis, int maxAttempts) {

  public MeshSettings {
    if (startTimeoutMillis < 1) {
      throw new IllegalArgumentException("start timeout must be positive, got " + startTimeoutMillis);
    }
    if (progressDeadlineMillis < 1) {
      throw new IllegalArgumentException("progress deadline must be positive, got " + progressDeadlineMillis);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be >= 1, got " + maxAttempts);
    }
  }

  public static MeshSettings defaults() {
    return new MeshSettings(10_000, 60_000, 4);
  }
}
