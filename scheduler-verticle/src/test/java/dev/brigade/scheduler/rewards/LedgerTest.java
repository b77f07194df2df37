package dev.brigade.scheduler.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.rewards.Credit;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long HOUR = 3_600_000L;

  @TempDir Path dir;

  private RewardsConfig config(String pool) {
    return new RewardsConfig(dir.resolve("ledger.db"), new BigDecimal(pool), Duration.ofHours(1));
  }

  private static Credit credit(String key, Object... nodeLayersTokens) {
    List<Credit.Line> lines = new java.util.ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < nodeLayersTokens.length; i += 3) {
      tokens = (long) nodeLayersTokens[i + 2];
      lines.add(new Credit.Line((String) nodeLayersTokens[i], (int) nodeLayersTokens[i + 1],
          (int) nodeLayersTokens[i + 1] * tokens));
    }
    return new Credit(key, "seq-" + key, "p1", 0, tokens, lines);
  }

  private static Map<String, Long> tokensByNode(EpochReport r) {
    Map<String, Long> out = new LinkedHashMap<>();
    r.nodes().forEach(n -> out.put(n.nodeId(), n.layerTokens()));
    return out;
  }

  @Test
  void aCreditSentTwiceCountsOnceAcrossReopening() throws SQLException {
    try (Ledger ledger = Ledger.open(config("100"))) {
      Ledger.Recorded first = ledger.record(List.of(credit("k1", "a", 10, 5L), credit("k2", "b", 4, 3L)), T0);
      assertEquals(2, first.added());
      Ledger.Recorded again = ledger.record(List.of(credit("k1", "a", 10, 5L), credit("k1", "a", 10, 5L)), T0 + 1);
      assertEquals(0, again.added());
      assertEquals(2, again.duplicates());
    }
    try (Ledger ledger = Ledger.open(config("100"))) {
      assertEquals(0, ledger.record(List.of(credit("k2", "b", 4, 3L)), T0 + 2).added());
      EpochReport r = ledger.report(null, T0 + 3);
      assertEquals(Map.of("a", 50L, "b", 12L), tokensByNode(r));
      assertEquals(2, ledger.creditCount());
    }
  }

  @Test
  void aBatchWithABadCreditIsRolledBackWhole() throws SQLException {
    try (Ledger ledger = Ledger.open(config("100"))) {
      // The same node twice in one credit breaks the (credit, node) key: nothing of the batch stays.
      Credit broken = new Credit("bad", "s", "p", 0, 1, List.of(new Credit.Line("a", 1, 1), new Credit.Line("a", 2, 2)));
      assertThrows(SQLException.class, () -> ledger.record(List.of(credit("ok", "a", 3, 2L), broken), T0));
      assertEquals(0, ledger.creditCount());
      assertTrue(ledger.report(null, T0).nodes().isEmpty());
      assertEquals(1, ledger.record(List.of(credit("ok", "a", 3, 2L)), T0).added());
    }
  }

  @Test
  void epochsCloseOnceWithPayoutsThatSumToThePool() throws SQLException {
    try (Ledger ledger = Ledger.open(config("100"))) {
      ledger.record(List.of(credit("k1", "a", 1, 1L), credit("k2", "b", 1, 1L), credit("k3", "c", 1, 1L)), T0);
      assertEquals(0, ledger.advance(T0 + HOUR - 1));
      // The next credit lands after the hour: epoch 0 closes and the credit goes to epoch 1.
      assertEquals(1, ledger.record(List.of(credit("k4", "a", 7, 1L)), T0 + HOUR).epoch());
      EpochReport closed = ledger.report(0L, T0 + HOUR + 5);
      assertTrue(closed.closed());
      assertEquals(new BigDecimal("100"), closed.pool());
      assertEquals(3, closed.nodes().size());
      BigDecimal sum = closed.nodes().stream().map(EpochReport.NodeReward::payout).reduce(BigDecimal.ZERO, BigDecimal::add);
      assertEquals(0, sum.compareTo(new BigDecimal("100")), "payouts " + closed.nodes());
      assertEquals(new BigDecimal("33.333333333333333334"), closed.nodes().getFirst().payout());
      assertEquals(1.0 / 3, closed.nodes().get(1).share(), 1e-12);
      EpochReport open = ledger.report(null, T0 + HOUR + 5);
      assertEquals(1, open.epoch());
      assertEquals(T0 + HOUR, open.startMillis());
      assertEquals(Map.of("a", 7L), tokensByNode(open));
      // A late, repeated credit cannot change a closed epoch.
      ledger.record(List.of(credit("k1", "a", 1, 1L)), T0 + 2 * HOUR - 1);
      assertEquals(closed, ledger.report(0L, T0 + 2 * HOUR - 1));
    }
  }

  @Test
  void windowsWithNoSchedulerAreSkippedAndUnknownEpochsAreNull() throws SQLException {
    try (Ledger ledger = Ledger.open(config("10"))) {
      ledger.record(List.of(credit("k1", "a", 2, 2L)), T0);
      assertEquals(1, ledger.advance(T0 + 5 * HOUR + 7));
      EpochReport r = ledger.report(null, T0 + 5 * HOUR + 7);
      assertEquals(T0 + 5 * HOUR, r.startMillis());
      assertEquals(T0 + 6 * HOUR, r.endMillis());
      assertNull(ledger.report(2L, T0 + 5 * HOUR + 8));
      assertNull(ledger.report(-1L, T0 + 5 * HOUR + 8));
      assertEquals(new BigDecimal("10"), ledger.report(0L, T0 + 5 * HOUR + 8).nodes().getFirst().payout());
    }
  }

  @Test
  void randomSplitsAlwaysSumToThePoolExactly() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 200; round++) {
      BigDecimal pool = BigDecimal.valueOf(random.nextLong(1, 1_000_000_000L), random.nextInt(0, 19));
      Map<String, Long> tokens = new LinkedHashMap<>();
      int nodes = random.nextInt(1, 12);
      for (int i = 0; i < nodes; i++) tokens.put("n" + i, random.nextLong(1, 1_000_000_000_000L));
      Map<String, BigDecimal> split = Payouts.split(pool, tokens);
      BigDecimal sum = split.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      assertEquals(0, sum.compareTo(pool), pool + " split " + split);
      long most = tokens.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      String top = tokens.entrySet().stream().filter(e -> e.getValue() == most).findFirst().orElseThrow().getKey();
      assertTrue(split.values().stream().allMatch(v -> v.compareTo(split.get(top)) <= 0));
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheOption() {
    assertThrows(IllegalArgumentException.class, () -> new RewardsConfig(null, new BigDecimal("-1"), Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> new RewardsConfig(null, new BigDecimal("1e-19"), Duration.ofHours(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RewardsConfig(null, BigDecimal.ONE, Duration.ofMillis(5)));
    assertTrue(e.getMessage().contains("--epoch-length"));
  }
}
