package dev.brigade.scheduler.rewards;

import dev.brigade.protocol.rewards.Credit;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rewards ledger: an SQLite database (WAL journal, full sync) of credits, epochs and payouts.
 * Every change is one transaction; a credit key is the primary key of {@code credits}, so a
 * credit sent twice is counted once. Epochs are contiguous windows of the configured length; an
 * epoch that has ended is closed once, in one transaction that writes its payouts.
 *
 * <p>Not thread-safe and blocking: the scheduler calls it from one worker thread, never from the
 * event loop. Times are passed in (milliseconds since 1970) so tests control the clock.
 */
public final class Ledger implements AutoCloseable {
  private static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS epochs (
        epoch INTEGER PRIMARY KEY,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        pool TEXT NOT NULL,
        closed INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS credits (
        credit_key TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL REFERENCES epochs(epoch),
        sequence_id TEXT,
        pipeline_id TEXT,
        attempt INTEGER NOT NULL,
        tokens INTEGER NOT NULL,
        recorded_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS credit_lines (
        credit_key TEXT NOT NULL REFERENCES credits(credit_key),
        node_id TEXT NOT NULL,
        layers INTEGER NOT NULL,
        layer_tokens INTEGER NOT NULL,
        PRIMARY KEY (credit_key, node_id));
      CREATE TABLE IF NOT EXISTS epoch_nodes (
        epoch INTEGER NOT NULL,
        node_id TEXT NOT NULL,
        layer_tokens INTEGER NOT NULL,
        PRIMARY KEY (epoch, node_id));
      CREATE TABLE IF NOT EXISTS payouts (
        epoch INTEGER NOT NULL REFERENCES epochs(epoch),
        node_id TEXT NOT NULL,
        layer_tokens INTEGER NOT NULL,
        share REAL NOT NULL,
        payout TEXT NOT NULL,
        PRIMARY KEY (epoch, node_id));
      """;

  private final Connection db;
  private final BigDecimal pool;
  private final long epochMillis;

  private Ledger(Connection db, BigDecimal pool, Duration epochLength) {
    this.db = db;
    this.pool = pool;
    this.epochMillis = epochLength.toMillis();
  }

  /** Opens (creating when missing) the ledger the config names; throws naming the file. */
  public static Ledger open(RewardsConfig config) {
    try {
      if (config.ledgerFile() != null && config.ledgerFile().toAbsolutePath().getParent() != null) {
        Files.createDirectories(config.ledgerFile().toAbsolutePath().getParent());
      }
      Connection c = DriverManager.getConnection(config.jdbcUrl());
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("PRAGMA busy_timeout=10000");
        for (String ddl : SCHEMA.split(";")) {
          if (!ddl.isBlank()) st.execute(ddl);
        }
      }
      c.setAutoCommit(false);
      c.commit();
      return new Ledger(c, config.poolPerEpoch(), config.epochLength());
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot open the rewards ledger " + where(config) + ": " + e.getMessage(), e);
    }
  }

  private static String where(RewardsConfig config) {
    return config.ledgerFile() == null ? "(in memory)" : config.ledgerFile().toString();
  }

  /** What one {@link #record} call did. */
  public record Recorded(int added, int duplicates, long epoch) {}

  /**
   * Records a batch of credits in the epoch open at {@code now}, in one transaction; credits whose
   * key is already in the ledger are skipped. When this returns, the batch is committed.
   */
  public Recorded record(List<Credit> credits, long now) throws SQLException {
    return inTransaction(() -> {
      long epoch = openEpoch(now);
      int added = 0;
      try (PreparedStatement credit = db.prepareStatement(
              "INSERT INTO credits (credit_key, epoch, sequence_id, pipeline_id, attempt, tokens, recorded_ms)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credit_key) DO NOTHING");
          PreparedStatement line = db.prepareStatement(
              "INSERT INTO credit_lines (credit_key, node_id, layers, layer_tokens) VALUES (?, ?, ?, ?)");
          PreparedStatement total = db.prepareStatement(
              "INSERT INTO epoch_nodes (epoch, node_id, layer_tokens) VALUES (?, ?, ?)"
                  + " ON CONFLICT (epoch, node_id) DO UPDATE SET layer_tokens = layer_tokens + excluded.layer_tokens")) {
        for (Credit c : credits) {
          credit.setString(1, c.key());
          credit.setLong(2, epoch);
          credit.setString(3, c.sequenceId());
          credit.setString(4, c.pipelineId());
          credit.setInt(5, c.attempt());
          credit.setLong(6, c.tokens());
          credit.setLong(7, now);
          if (credit.executeUpdate() == 0) {
            continue; // already counted
          }
          added++;
          for (Credit.Line l : c.lines()) {
            line.setString(1, c.key());
            line.setString(2, l.nodeId());
            line.setInt(3, l.layers());
            line.setLong(4, l.layerTokens());
            line.executeUpdate();
            total.setLong(1, epoch);
            total.setString(2, l.nodeId());
            total.setLong(3, l.layerTokens());
            total.executeUpdate();
          }
        }
      }
      return new Recorded(added, credits.size() - added, epoch);
    });
  }

  /** Closes every epoch that ended before {@code now} and opens the current one; returns the current epoch. */
  public long advance(long now) throws SQLException {
    return inTransaction(() -> openEpoch(now));
  }

  /** The report of {@code epoch}, or of the epoch open at {@code now} when null; null for an unknown epoch. */
  public EpochReport report(Long epoch, long now) throws SQLException {
    long current = advance(now);
    long wanted = epoch == null ? current : epoch;
    long start;
    long end;
    boolean closed;
    BigDecimal epochPool;
    try (PreparedStatement st = db.prepareStatement("SELECT start_ms, end_ms, closed, pool FROM epochs WHERE epoch = ?")) {
      st.setLong(1, wanted);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          db.commit();
          return null;
        }
        start = rs.getLong(1);
        end = rs.getLong(2);
        closed = rs.getInt(3) != 0;
        epochPool = new BigDecimal(rs.getString(4));
      }
    }
    List<EpochReport.NodeReward> nodes = new ArrayList<>();
    if (closed) {
      try (PreparedStatement st = db.prepareStatement(
          "SELECT node_id, layer_tokens, share, payout FROM payouts WHERE epoch = ? ORDER BY node_id")) {
        st.setLong(1, wanted);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            nodes.add(new EpochReport.NodeReward(rs.getString(1), rs.getLong(2), rs.getDouble(3), new BigDecimal(rs.getString(4))));
          }
        }
      }
    } else {
      Map<String, Long> tokens = nodeTokens(wanted);
      Map<String, BigDecimal> payouts = Payouts.split(epochPool, tokens);
      long total = tokens.values().stream().mapToLong(Long::longValue).sum();
      tokens.forEach((node, t) -> nodes.add(new EpochReport.NodeReward(node, t, share(t, total), payouts.get(node))));
    }
    db.commit();
    return new EpochReport(wanted, start, end, closed, epochPool, nodes);
  }

  /** Per node over the whole ledger: layer-tokens credited and TFUEL paid out in closed epochs. */
  public record NodeTotals(String nodeId, long layerTokens, BigDecimal paid) {}

  public Map<String, NodeTotals> totals() throws SQLException {
    Map<String, Long> tokens = new TreeMap<>();
    Map<String, BigDecimal> paid = new TreeMap<>();
    try (Statement st = db.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT node_id, SUM(layer_tokens) FROM epoch_nodes GROUP BY node_id")) {
        while (rs.next()) tokens.put(rs.getString(1), rs.getLong(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT node_id, payout FROM payouts")) {
        while (rs.next()) paid.merge(rs.getString(1), new BigDecimal(rs.getString(2)), BigDecimal::add);
      }
    }
    db.commit();
    Map<String, NodeTotals> out = new LinkedHashMap<>();
    tokens.forEach((node, t) -> out.put(node, new NodeTotals(node, t, paid.getOrDefault(node, BigDecimal.ZERO))));
    return out;
  }

  /** Credits in the ledger (all epochs). */
  public long creditCount() throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM credits")) {
      rs.next();
      long n = rs.getLong(1);
      db.commit();
      return n;
    }
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }

  // ---- epochs (inside a transaction) --------------------------------------------------------

  /**
   * The epoch open at {@code now}: the first epoch starts at the first use; when the newest epoch
   * has ended it is closed and the next one opens on the same grid (windows no scheduler was up
   * for are skipped, they held no credits). A new epoch takes the pool and length configured now.
   */
  private long openEpoch(long now) throws SQLException {
    long epoch;
    long end;
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT epoch, end_ms FROM epochs ORDER BY epoch DESC LIMIT 1")) {
      if (!rs.next()) {
        insertEpoch(0, now);
        return 0;
      }
      epoch = rs.getLong(1);
      end = rs.getLong(2);
    }
    if (now < end) {
      return epoch;
    }
    closeEpoch(epoch);
    long skipped = (now - end) / epochMillis;
    insertEpoch(epoch + 1, end + skipped * epochMillis);
    return epoch + 1;
  }

  private void insertEpoch(long epoch, long start) throws SQLException {
    try (PreparedStatement st = db.prepareStatement(
        "INSERT INTO epochs (epoch, start_ms, end_ms, pool, closed) VALUES (?, ?, ?, ?, 0)")) {
      st.setLong(1, epoch);
      st.setLong(2, start);
      st.setLong(3, start + epochMillis);
      st.setString(4, pool.toPlainString());
      st.executeUpdate();
    }
  }

  /** Writes the epoch's payouts and marks it closed; a closed epoch is never touched again. */
  private void closeEpoch(long epoch) throws SQLException {
    BigDecimal epochPool;
    try (PreparedStatement st = db.prepareStatement("SELECT pool, closed FROM epochs WHERE epoch = ?")) {
      st.setLong(1, epoch);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next() || rs.getInt(2) != 0) return;
        epochPool = new BigDecimal(rs.getString(1));
      }
    }
    Map<String, Long> tokens = nodeTokens(epoch);
    long total = tokens.values().stream().mapToLong(Long::longValue).sum();
    Map<String, BigDecimal> payouts = Payouts.split(epochPool, tokens);
    try (PreparedStatement st = db.prepareStatement(
        "INSERT INTO payouts (epoch, node_id, layer_tokens, share, payout) VALUES (?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, Long> e : tokens.entrySet()) {
        st.setLong(1, epoch);
        st.setString(2, e.getKey());
        st.setLong(3, e.getValue());
        st.setDouble(4, share(e.getValue(), total));
        st.setString(5, payouts.get(e.getKey()).toPlainString());
        st.executeUpdate();
      }
    }
    try (PreparedStatement st = db.prepareStatement("UPDATE epochs SET closed = 1 WHERE epoch = ?")) {
      st.setLong(1, epoch);
      st.executeUpdate();
    }
  }

  private Map<String, Long> nodeTokens(long epoch) throws SQLException {
    Map<String, Long> tokens = new TreeMap<>();
    try (PreparedStatement st = db.prepareStatement("SELECT node_id, layer_tokens FROM epoch_nodes WHERE epoch = ?")) {
      st.setLong(1, epoch);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) tokens.put(rs.getString(1), rs.getLong(2));
      }
    }
    return tokens;
  }

  private static double share(long tokens, long total) {
    return total == 0 ? 0 : (double) tokens / total;
  }

  // ---- transactions -------------------------------------------------------------------------

  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) throws SQLException {
    try {
      T result = work.run();
      db.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    }
  }
}
