package dev.brigade.scheduler;

import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.control.ModelCard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Puts the model card into {@code brigade.model} so gateways need no model files. */
final class ModelCardPublisher {
  private ModelCardPublisher() {}

  static Future<Void> publish(Vertx vertx, ModelCard card) {
    // Compressing the ~11 MB tokenizer takes a while: not on the event loop.
    return vertx.executeBlocking(card::entries, false).compose(entries -> publish(vertx, entries));
  }

  private static Future<Void> publish(Vertx vertx, Map<String, String> entries) {
    return vertx.sharedData().<String, String>getClusterWideMap(MapNames.MODEL).compose(map -> {
      List<Future<Void>> puts = new ArrayList<>();
      entries.forEach((k, v) -> puts.add(map.put(k, v)));
      return Future.all(puts).mapEmpty();
    });
  }
}
