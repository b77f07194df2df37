package dev.brigade.scheduler.rewards;

import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.rewards.Credit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The active scheduler's rewards desk: takes credit batches on {@link Addresses#CREDITS} and
 * acknowledges each only after the ledger committed it, answers reports on {@link
 * Addresses#REWARDS}, closes epochs as they end and mirrors per-node totals into {@code
 * brigade.rewards}. Every ledger call runs on one dedicated worker thread, in arrival order.
 */
public final class RewardsService {
  private static final System.Logger LOG = System.getLogger(RewardsService.class.getName());
  private static final long TICK_MS = 1000;

  private final Vertx vertx;
  private final Ledger ledger;
  private final WorkerExecutor executor;
  private final AsyncMap<String, String> mirror;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private long timer = -1;
  private long epoch = -1;
  private boolean dirty = true;

  private RewardsService(Vertx vertx, Ledger ledger, WorkerExecutor executor, AsyncMap<String, String> mirror) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.executor = executor;
    this.mirror = mirror;
  }

  /** Opens the ledger (off the event loop) and starts serving; fails naming the ledger file. */
  public static Future<RewardsService> start(Vertx vertx, RewardsConfig config) {
    WorkerExecutor executor = vertx.createSharedWorkerExecutor("brigade-ledger-" + System.identityHashCode(config), 1);
    return executor.executeBlocking(() -> Ledger.open(config), true)
        .compose(ledger -> vertx.sharedData().<String, String>getClusterWideMap(MapNames.REWARDS)
            .map(map -> new RewardsService(vertx, ledger, executor, map)))
        .compose(service -> service.listen().map(service))
        .onFailure(e -> executor.close())
        .onSuccess(s -> LOG.log(Level.INFO, "rewards ledger open: " + (config.ledgerFile() == null ? "in memory" : config.ledgerFile())
            + ", " + config.poolPerEpoch().toPlainString() + " TFUEL per epoch of " + config.epochLength()));
  }

  private Future<Void> listen() {
    consumers.add(vertx.eventBus().consumer(Addresses.CREDITS, this::onCredits));
    consumers.add(vertx.eventBus().consumer(Addresses.REWARDS, this::onReport));
    timer = vertx.setPeriodic(TICK_MS, id -> tick());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    List<Future<Void>> unregistered = consumers.stream().map(MessageConsumer::unregister).toList();
    return Future.join(unregistered)
        .transform(v -> ledgerCall(() -> {
          ledger.close();
          return null;
        }))
        .transform(v -> executor.close())
        .mapEmpty();
  }

  private void onCredits(Message<JsonObject> msg) {
    List<Credit> credits;
    try {
      credits = Credit.fromBatch(msg.body());
    } catch (RuntimeException e) {
      msg.fail(400, "bad credit batch: " + e.getMessage());
      return;
    }
    ledgerCall(() -> ledger.record(credits, System.currentTimeMillis()))
        .onSuccess(r -> {
          dirty |= r.added() > 0;
          msg.reply(new JsonObject().put("added", r.added()).put("duplicates", r.duplicates()).put("epoch", r.epoch()));
        })
        .onFailure(e -> {
          LOG.log(Level.ERROR, "credits not recorded: " + e.getMessage(), e);
          msg.fail(500, "credits not recorded: " + e.getMessage());
        });
  }

  private void onReport(Message<JsonObject> msg) {
    Long wanted = msg.body() == null ? null : msg.body().getLong("epoch");
    ledgerCall(() -> ledger.report(wanted, System.currentTimeMillis()))
        .onSuccess(report -> {
          if (report == null) {
            msg.fail(404, "epoch " + wanted + " is not in the ledger");
          } else {
            msg.reply(report.toJson());
          }
        })
        .onFailure(e -> msg.fail(500, "rewards report failed: " + e.getMessage()));
  }

  /** Closes an epoch that has ended, and mirrors the totals when they changed. */
  private void tick() {
    ledgerCall(() -> {
          long current = ledger.advance(System.currentTimeMillis());
          boolean changed = dirty || current != epoch;
          dirty = false;
          if (!changed) return null;
          epoch = current;
          return new Snapshot(ledger.report(current, System.currentTimeMillis()), ledger.totals());
        })
        .onSuccess(this::publish)
        .onFailure(e -> LOG.log(Level.WARNING, "rewards tick failed: " + e.getMessage()));
  }

  private record Snapshot(EpochReport current, Map<String, Ledger.NodeTotals> totals) {}

  /** brigade.rewards: nodeId -> totals of the whole ledger and of the open epoch. */
  private void publish(Snapshot s) {
    if (s == null) return;
    for (Ledger.NodeTotals t : s.totals().values()) {
      JsonObject entry = new JsonObject()
          .put("node_id", t.nodeId())
          .put("total_layer_tokens", t.layerTokens())
          .put("total_paid", t.paid().toPlainString())
          .put("epoch", s.current().epoch())
          .put("epoch_end_ms", s.current().endMillis())
          .put("layer_tokens", 0L)
          .put("share", 0.0)
          .put("projected_payout", "0");
      for (EpochReport.NodeReward n : s.current().nodes()) {
        if (n.nodeId().equals(t.nodeId())) {
          entry.put("layer_tokens", n.layerTokens()).put("share", n.share()).put("projected_payout", n.payout().toPlainString());
        }
      }
      mirror.put(t.nodeId(), entry.encode())
          .onFailure(e -> LOG.log(Level.WARNING, "rewards mirror failed: " + e.getMessage()));
    }
  }

  private interface LedgerWork<T> {
    T run() throws Exception;
  }

  private <T> Future<T> ledgerCall(LedgerWork<T> work) {
    return executor.executeBlocking(work::run, true);
  }
}
