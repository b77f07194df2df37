package dev.brigade.scheduler.rewards;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the rewards ledger, validated here once.
 *
 * @param ledgerFile the SQLite file; null keeps the ledger in memory (tests, throw-away runs)
 * @param poolPerEpoch TFUEL shared out among the nodes at the close of each epoch
 * @param epochLength how long one epoch lasts
 */
public record RewardsConfig(Path ledgerFile, BigDecimal poolPerEpoch, Duration epochLength) {
  public static final BigDecimal DEFAULT_POOL = new BigDecimal("1000");
  public static final Duration DEFAULT_EPOCH_LENGTH = Duration.ofHours(1);
  /** TFUEL, like ether, has 18 decimals; payouts are exact to the smallest unit. */
  public static final int DECIMALS = 18;

  public RewardsConfig {
    if (poolPerEpoch == null || poolPerEpoch.signum() < 0) {
      throw new IllegalArgumentException("--reward-pool " + poolPerEpoch + " must be a number >= 0");
    }
    if (poolPerEpoch.stripTrailingZeros().scale() > DECIMALS) {
      throw new IllegalArgumentException("--reward-pool " + poolPerEpoch.toPlainString() + " has more than " + DECIMALS + " decimals");
    }
    if (epochLength == null || epochLength.toMillis() < 100) {
      throw new IllegalArgumentException("--epoch-length " + epochLength + " must be at least 100 ms");
    }
  }

  /** In memory, default pool and epoch length. */
  public static RewardsConfig inMemory() {
    return new RewardsConfig(null, DEFAULT_POOL, DEFAULT_EPOCH_LENGTH);
  }

  /**
   * The ledger file when none is named: {@code $BRIGADE_HOME/rewards.db}, else
   * {@code ~/.brigade/rewards.db}. It does not depend on the model: credits outlive model changes.
   */
  public static Path defaultLedgerFile() {
    String home = System.getenv("BRIGADE_HOME");
    Path dir = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".brigade");
    return dir.resolve("rewards.db");
  }

  public String jdbcUrl() {
    return ledgerFile == null ? "jdbc:sqlite::memory:" : "jdbc:sqlite:" + ledgerFile.toAbsolutePath();
  }
}
