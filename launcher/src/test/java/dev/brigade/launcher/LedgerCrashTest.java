package dev.brigade.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.gateway.rewards.CreditSender;
import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import dev.brigade.protocol.rewards.Credit;
import dev.brigade.scheduler.rewards.Ledger;
import dev.brigade.scheduler.rewards.RewardsConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ledger survives SIGKILL: a scheduler process (`brigade scheduler --ledger FILE`) takes a
 * steady stream of credits from a {@link CreditSender} in this JVM, is killed with SIGKILL in the
 * middle of it, and a new scheduler process is started on the same file while credits keep
 * coming, with a standby beside it; later the active one is killed too and the standby (same
 * host, same file) takes over. When the sender has every credit acknowledged, the ledger must hold each credit exactly
 * once: the same count of credits and, per node, exactly the layer-tokens sent.
 */
class LedgerCrashTest {
  private static final int CREDITS = 3600;
  private static final String[] NODES = {"node-a", "node-b", "node-c"};
  private static final int[] LAYERS = {3, 2, 1};

  private final Path model = TinyModelFixture.path(false);
  private final String clusterName = "brigade-ledger-" + UUID.randomUUID();
  private final int seedPort = ThreadLocalRandom.current().nextInt(20_000, 50_000);

  /** Credit i: tokens 1 + i % 97 through every node's layers. */
  private static Credit credit(int i) {
    long tokens = 1 + i % 97;
    List<Credit.Line> lines = new ArrayList<>();
    for (int n = 0; n < NODES.length; n++) lines.add(new Credit.Line(NODES[n], LAYERS[n], tokens * LAYERS[n]));
    return new Credit("crash-" + i, "seq-" + i, "p1", 0, tokens, lines);
  }

  private List<String> schedulerArgs(Path ledger, String id, int port) {
    return List.of("scheduler", "--model", model.toString(), "--id", id, "--ledger", ledger.toString(),
        "--cluster-name", clusterName, "--port", String.valueOf(port), "--join", "127.0.0.1:" + seedPort);
  }

  @Test
  void sigkilledSchedulerLosesNoCreditAndCountsNoneTwice() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "ledger-crash", clusterName));
    Path ledgerFile = dir.resolve("rewards.db");
    Vertx gateway = null;
    try (JavaProcesses procs = new JavaProcesses(dir)) {
      // This JVM is the seed member (it holds the cluster maps while schedulers come and go).
      ClusterOptions options = ClusterOptions.local("gateway", "crash-gateway").withClusterName(clusterName)
          .withPort(seedPort).withMembers(List.of("127.0.0.1:" + seedPort));
      gateway = ClusterBootstrap.start(options).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
      Process first = procs.start("scheduler-1", schedulerArgs(ledgerFile, "scheduler-1", seedPort + 10));
      Vertx g = gateway;
      eventually("a scheduler with its ledger open", () -> ledgerAnswers(g));

      Context ctx = gateway.getOrCreateContext();
      CreditSender sender = new CreditSender(gateway, ctx, 2000);
      int[] next = {0};
      int[] limit = {CREDITS / 2};
      // 4 credits every 10 ms, up to the limit: a steady stream that runs across each kill.
      long timer = gateway.setPeriodic(10, id -> {
        for (int k = 0; k < 4 && next[0] < limit[0]; k++) sender.submit(credit(next[0]++));
      });
      eventually("a sixth of the credits acknowledged", () -> sender.delivered() >= CREDITS / 6);
      JavaProcesses.kill(first);
      long deliveredAtKill = sender.delivered();
      assertTrue(deliveredAtKill < CREDITS / 2, "the first kill must land while credits still flow");

      // Started again on the same file, with a standby beside it (same host, same file).
      Map<String, Process> next2 = new TreeMap<>();
      for (String id : List.of("scheduler-2", "scheduler-3")) {
        next2.put(id, procs.start(id, schedulerArgs(ledgerFile, id, seedPort + (id.endsWith("2") ? 20 : 30))));
      }
      eventually("the first half acknowledged", () -> sender.delivered() >= CREDITS / 2);
      String active = eventuallyActive(procs, next2.keySet());
      String standby = next2.keySet().stream().filter(id -> !id.equals(active)).findFirst().orElseThrow();
      eventually(standby + " standing by", () -> logs(procs, standby).contains("brigade scheduler " + standby + ": serving"));
      limit[0] = CREDITS;
      eventually("two thirds of the credits acknowledged", () -> sender.delivered() >= 2 * CREDITS / 3);
      JavaProcesses.kill(next2.get(active));
      long deliveredAtSecondKill = sender.delivered();
      assertTrue(deliveredAtSecondKill < CREDITS, "the second kill must land while credits still flow");
      eventually("every credit acknowledged", () -> sender.delivered() >= CREDITS && sender.unacknowledged() == 0);
      assertTrue(logs(procs, standby).contains("scheduler " + standby + " is active"), "the standby took over");
      gateway.cancelTimer(timer);
      assertEquals(CREDITS, next[0]);

      // What the live ledger reports over the bus ...
      // (asked again until answered: right after a kill a request may still go to the dead member)
      JsonObject[] answer = new JsonObject[1];
      eventually("a report from the ledger", () -> (answer[0] = report(g)) != null);
      JsonObject report = answer[0];
      long tokens = 0;
      for (int i = 0; i < CREDITS; i++) tokens += credit(i).tokens();
      Map<String, Long> expected = new TreeMap<>();
      for (int n = 0; n < NODES.length; n++) expected.put(NODES[n], tokens * LAYERS[n]);
      Map<String, Long> reported = new TreeMap<>();
      report.getJsonArray("nodes").forEach(o -> reported.put(((JsonObject) o).getString("node_id"),
          ((JsonObject) o).getLong("layer_tokens")));
      // (one epoch of an hour: the whole test lies inside epoch 0 unless it straddles its end)
      if (report.getLong("epoch") == 0) assertEquals(expected, reported);

      // ... and what the file holds once the second scheduler is killed too.
      procs.close();
      try (Ledger ledger = Ledger.open(new RewardsConfig(ledgerFile, BigDecimal.ONE, Duration.ofHours(1)))) {
        assertEquals(CREDITS, ledger.creditCount());
        Map<String, Long> totals = new TreeMap<>();
        ledger.totals().forEach((node, t) -> totals.put(node, t.layerTokens()));
        assertEquals(expected, totals);
      }
      System.out.println("ledger crash test: " + deliveredAtKill + " and " + deliveredAtSecondKill
          + " credits acknowledged before the two kills, "
          + sender.duplicatesAcknowledged() + " repeats dropped by the ledger");
    } finally {
      if (gateway != null) {
        gateway.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      }
    }
  }

  /** Polls until the condition holds; fails after a generous bound (never a timing assertion). */
  private static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting for: " + what);
      Thread.sleep(50);
    }
  }

  /** The one of {@code ids} that logged it became the active scheduler. */
  private static String eventuallyActive(JavaProcesses procs, java.util.Set<String> ids) throws InterruptedException {
    String[] found = new String[1];
    eventually("one of " + ids + " active", () -> {
      for (String id : ids) {
        if (logs(procs, id).contains("scheduler " + id + " is active")) {
          found[0] = id;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private static String logs(JavaProcesses procs, String name) {
    try {
      return procs.log(name);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static boolean ledgerAnswers(Vertx vertx) {
    return report(vertx) != null;
  }

  private static JsonObject report(Vertx vertx) {
    try {
      return vertx.eventBus().<JsonObject>request(Addresses.REWARDS, new JsonObject(), new DeliveryOptions().setSendTimeout(5000))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      return null;
    }
  }
}
