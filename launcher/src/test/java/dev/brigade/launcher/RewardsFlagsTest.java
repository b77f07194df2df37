package dev.brigade.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.scheduler.rewards.RewardsConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RewardsFlagsTest {

  private static RewardsFlags flags(String ledger, String pool, String length) {
    RewardsFlags f = new RewardsFlags();
    f.ledger = ledger == null ? null : Path.of(ledger);
    f.pool = pool;
    f.epochLength = length;
    return f;
  }

  @Test
  void durationsInShortAndIsoForms() {
    assertEquals(Duration.ofMillis(500), DurationText.parse("--x", "500ms"));
    assertEquals(Duration.ofSeconds(90), DurationText.parse("--x", "90s"));
    assertEquals(Duration.ofMinutes(30), DurationText.parse("--x", "30m"));
    assertEquals(Duration.ofHours(1), DurationText.parse("--x", "1h"));
    assertEquals(Duration.ofDays(2), DurationText.parse("--x", "2d"));
    assertEquals(Duration.ofHours(1), DurationText.parse("--x", "PT1H"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse("--epoch-length", "5x"));
    assertTrue(e.getMessage().startsWith("--epoch-length 5x is not a duration"), e.getMessage());
  }

  @Test
  void flagsMakeAValidatedConfig() {
    RewardsConfig c = flags("/tmp/l.db", "250.5", "30m").config();
    assertEquals(Path.of("/tmp/l.db"), c.ledgerFile());
    assertEquals(new BigDecimal("250.5"), c.poolPerEpoch());
    assertEquals(Duration.ofMinutes(30), c.epochLength());
    assertEquals(RewardsConfig.defaultLedgerFile(), flags(null, "1", "1h").config().ledgerFile());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> flags(null, "lots", "1h").config())
        .getMessage().contains("--reward-pool lots"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> flags(null, "-3", "1h").config())
        .getMessage().contains("--reward-pool"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> flags(null, "1", "10ms").config())
        .getMessage().contains("--epoch-length"));
  }

  @Test
  void rewardsCommandRefusesABadEpochAndAnUnreachableGateway() {
    RewardsCli.Result negative = RewardsCli.run("--epoch", "-2", "--url", "http://127.0.0.1:1");
    assertEquals(1, negative.exit());
    assertTrue(negative.err().startsWith("brigade: --epoch must be >= 0"), negative.err());
    RewardsCli.Result down = RewardsCli.run("--url", "http://127.0.0.1:1");
    assertEquals(1, down.exit());
    assertTrue(down.err().startsWith("brigade: cannot reach the gateway at http://127.0.0.1:1"), down.err());
  }
}
