package dev.brigade.worker.stage;

import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.wire.SequenceError;
import dev.brigade.protocol.wire.TokenEvent;
import dev.brigade.protocol.wire.Wire;
import dev.brigade.protocol.wire.WireMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The test's stand-in for a gateway's token address: collects each sequence's events. */
final class TokenCollector {
  record Result(List<Integer> tokens, TokenEvent.Finish finish, SequenceError error) {}

  private final Map<String, List<Integer>> tokens = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Result>> done = new ConcurrentHashMap<>();

  TokenCollector(Vertx vertx, String gatewayId) throws Exception {
    StageCluster.await(StageCluster.onContext(vertx,
        () -> vertx.eventBus().<Buffer>consumer(Addresses.gatewayTokens(gatewayId), m -> Wire.decodeAll(m.body()).forEach(this::on))
            .completion()));
  }

  CompletableFuture<Result> expect(String seqId) {
    return done.computeIfAbsent(seqId, k -> new CompletableFuture<>());
  }

  List<Integer> tokensSoFar(String seqId) {
    return tokens.getOrDefault(seqId, List.of());
  }

  private void on(WireMessage m) {
    switch (m) {
      case TokenEvent t -> {
        List<Integer> list = tokens.computeIfAbsent(t.seqId(), k -> new ArrayList<>());
        synchronized (list) {
          list.add(t.tokenId());
        }
        if (t.finish() != TokenEvent.Finish.NONE) {
          expect(t.seqId()).complete(new Result(List.copyOf(list), t.finish(), null));
        }
      }
      case SequenceError e -> expect(e.seqId()).complete(new Result(tokensSoFar(e.seqId()), null, e));
      default -> throw new IllegalStateException("unexpected " + m.type());
    }
  }
}
