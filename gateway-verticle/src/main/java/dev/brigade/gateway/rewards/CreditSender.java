package dev.brigade.gateway.rewards;

import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.rewards.Credit;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Delivers credits to the scheduler's ledger at least once: batches go out one at a time as
 * requests with a timeout, and a batch leaves the buffer only when the scheduler acknowledged it
 * (it acknowledges after its commit). A failed or unanswered batch is sent again after a backoff,
 * for as long as it takes; the ledger drops repeats by credit key, so at-least-once delivery
 * counts every credit exactly once. While no scheduler is up, credits wait here, in memory: a
 * gateway that dies loses the credits it had not delivered yet.
 *
 * <p>All state is touched on {@code context} only.
 */
public final class CreditSender {
  private static final Logger LOG = Logger.getLogger(CreditSender.class.getName());
  private static final int BATCH = 256;
  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 3000;

  private final Vertx vertx;
  private final Context context;
  private final long timeoutMillis;
  private final ArrayDeque<Credit> pending = new ArrayDeque<>();
  private List<Credit> inFlight = List.of();
  private long backoffMillis = FIRST_BACKOFF_MS;
  private long retryTimer = -1;
  private long delivered;
  private long duplicatesAcknowledged;
  private boolean closed;

  public CreditSender(Vertx vertx, Context context, long timeoutMillis) {
    if (timeoutMillis < 1) throw new IllegalArgumentException("credit timeout must be positive: " + timeoutMillis);
    this.vertx = vertx;
    this.context = context;
    this.timeoutMillis = timeoutMillis;
  }

  /** Queues a credit (null is ignored: an attempt that proved no work). Any thread. */
  public void submit(Credit credit) {
    if (credit == null) return;
    onContext(() -> {
      synchronized (this) {
        pending.add(credit);
      }
      pump();
    });
  }

  /** Credits not yet acknowledged (queued or in flight). Read on any thread: a snapshot. */
  public synchronized int unacknowledged() {
    return pending.size() + inFlight.size();
  }

  /** Credits the ledger acknowledged, and how many of those it already had (repeats). */
  public synchronized long delivered() {
    return delivered;
  }

  public synchronized long duplicatesAcknowledged() {
    return duplicatesAcknowledged;
  }

  /** Stops sending; what is left is logged as lost. */
  public void close() {
    onContext(() -> {
      closed = true;
      if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
      int left = unacknowledged();
      if (left > 0) {
        LOG.warning(left + " credits were not acknowledged by a scheduler before the gateway stopped");
      }
    });
  }

  private void pump() {
    if (closed || !inFlight.isEmpty() || retryTimer >= 0 || pending.isEmpty()) return;
    List<Credit> batch = new ArrayList<>(Math.min(BATCH, pending.size()));
    synchronized (this) {
      while (batch.size() < BATCH && !pending.isEmpty()) batch.add(pending.poll());
      inFlight = batch;
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMillis);
    vertx.eventBus().<JsonObject>request(Addresses.CREDITS, Credit.batch(batch), options)
        .onComplete(ar -> onContext(() -> {
          if (ar.succeeded()) {
            synchronized (this) {
              delivered += batch.size();
              duplicatesAcknowledged += ar.result().body().getInteger("duplicates", 0);
              inFlight = List.of();
            }
            backoffMillis = FIRST_BACKOFF_MS;
            pump();
          } else {
            synchronized (this) {
              // Back to the front, in order: the next try sends the same credits again.
              for (int i = batch.size() - 1; i >= 0; i--) pending.addFirst(batch.get(i));
              inFlight = List.of();
            }
            LOG.fine("credits not acknowledged yet (" + ar.cause().getMessage() + "); retrying in " + backoffMillis + " ms");
            retryTimer = vertx.setTimer(backoffMillis, id -> {
              retryTimer = -1;
              pump();
            });
            backoffMillis = Math.min(MAX_BACKOFF_MS, backoffMillis * 2);
          }
        }));
  }

  private void onContext(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }
}
