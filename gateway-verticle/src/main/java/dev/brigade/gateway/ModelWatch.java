package dev.brigade.gateway;

import dev.brigade.gateway.model.ModelCards;
import dev.brigade.gateway.model.ServedModel;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.control.ModelCard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Finds the model to serve: a local folder when one is given, else the model card the scheduler
 * publishes in map brigade.model, polled until it appears. Until then requests get 503.
 */
final class ModelWatch {
  private static final Logger LOG = Logger.getLogger(ModelWatch.class.getName());
  static final long POLL_MS = 500;

  private final Vertx vertx;
  private volatile ServedModel model;
  private long timer = -1;
  private boolean loading;

  ModelWatch(Vertx vertx) {
    this.vertx = vertx;
  }

  ServedModel current() {
    return model;
  }

  /**
   * Loads from the folder now (failing start if it cannot), or reads the cluster's card once
   * (so a gateway started after the scheduler serves at once) and keeps polling while it is
   * missing.
   */
  Future<Void> start(Path modelDir) {
    if (modelDir != null) {
      return vertx.executeBlocking(() -> ModelCards.fromDirectory(modelDir), false)
          .onSuccess(m -> model = m)
          .mapEmpty();
    }
    return poll().andThen(ar -> {
      if (model == null) timer = vertx.setPeriodic(POLL_MS, id -> poll());
    });
  }

  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  private Future<Void> poll() {
    if (loading || model != null) return Future.succeededFuture();
    loading = true;
    return vertx.executeBlocking(() -> {
          ModelCard card = ModelCards.read(ClusterBootstrap.hazelcast(vertx));
          return card == null ? null : ModelCards.fromCard(card);
        }, false)
        .transform(ar -> {
          loading = false;
          if (ar.succeeded() && ar.result() != null) {
            model = ar.result();
            if (timer >= 0) vertx.cancelTimer(timer);
            LOG.info("serving model " + model.name() + " from the cluster's model card");
          } else if (ar.failed()) {
            LOG.warning("model card unreadable: " + ar.cause().getMessage());
          }
          return Future.<Void>succeededFuture();
        });
  }
}
