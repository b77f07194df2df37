package dev.brigade.gateway.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.rewards.Credit;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** At-least-once delivery over a real event bus: buffered with no ledger, resent after failures. */
class CreditSenderTest {

  private static Credit credit(int i) {
    return new Credit("k" + i, "s" + i, "p", 0, 1, List.of(new Credit.Line("a", 2, 2)));
  }

  @Test
  void creditsWaitForALedgerAndAreResentUntilAcknowledged() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CreditSender sender = new CreditSender(vertx, vertx.getOrCreateContext(), 500);
      for (int i = 0; i < 600; i++) sender.submit(credit(i));
      eventually(() -> sender.unacknowledged() == 600);
      Thread.sleep(300); // no ledger yet: nothing is acknowledged, nothing is dropped
      assertEquals(0, sender.delivered());
      assertEquals(600, sender.unacknowledged());

      // A ledger that refuses the first two batches, then commits (keeping what it saw, by key).
      Set<String> recorded = ConcurrentHashMap.newKeySet();
      AtomicInteger refusals = new AtomicInteger();
      MessageConsumer<JsonObject> ledger = vertx.eventBus().consumer(Addresses.CREDITS, msg -> {
        if (refusals.getAndIncrement() < 2) {
          msg.fail(500, "disk busy");
          return;
        }
        int duplicates = 0;
        for (Credit c : Credit.fromBatch(msg.body())) if (!recorded.add(c.key())) duplicates++;
        msg.reply(new JsonObject().put("added", 0).put("duplicates", duplicates));
      });
      ledger.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      eventually(() -> sender.delivered() == 600 && sender.unacknowledged() == 0);
      assertEquals(600, recorded.size());
      assertTrue(refusals.get() >= 3 + 2);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting");
      Thread.sleep(20);
    }
  }
}
