package dev.brigade.launcher;

import dev.brigade.scheduler.rewards.RewardsConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The rewards ledger's options, shared by `brigade scheduler` and `brigade demo`. */
final class RewardsFlags {
  @Option(names = "--ledger", paramLabel = "FILE",
      description = "Rewards ledger (SQLite file, created when missing). Default: $BRIGADE_HOME/rewards.db,"
          + " else ~/.brigade/rewards.db. A standby scheduler must see the same file to continue the ledger.")
  Path ledger;

  @Option(names = "--reward-pool", paramLabel = "AMOUNT", defaultValue = "1000",
      description = "TFUEL shared among the nodes at the close of each epoch, by their layer-tokens. Default: ${DEFAULT-VALUE}.")
  String pool;

  @Option(names = "--epoch-length", paramLabel = "DURATION", defaultValue = "1h",
      description = "Length of a reward epoch (500ms, 90s, 30m, 1h, 1d or PT1H). Default: ${DEFAULT-VALUE}.")
  String epochLength;

  RewardsConfig config() {
    BigDecimal amount;
    try {
      amount = new BigDecimal(pool.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--reward-pool " + pool + " is not a number");
    }
    return new RewardsConfig(ledger != null ? ledger : RewardsConfig.defaultLedgerFile(), amount,
        DurationText.parse("--epoch-length", epochLength));
  }
}
