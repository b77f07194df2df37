package dev.brigade.gateway.http;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1/rewards[?epoch=N]}: the rewards report of one epoch (the open one by default),
 * asked of the active scheduler's ledger: epoch, start and end, pool, and per node layer-tokens,
 * share and payout.
 */
public final class RewardsHandler {
  private static final long TIMEOUT_MS = 10_000;
  private final Vertx vertx;

  public RewardsHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  public void get(RoutingContext rc) {
    List<String> values = rc.queryParam("epoch");
    JsonObject query = new JsonObject();
    if (!values.isEmpty()) {
      Long epoch = parseEpoch(values.getFirst());
      if (values.size() > 1 || epoch == null) {
        Errors.send(rc.response(), ApiError.invalid("epoch",
            "epoch must be one whole number >= 0, got " + String.join(",", values)));
        return;
      }
      query.put("epoch", epoch);
    }
    vertx.eventBus().<JsonObject>request(Addresses.REWARDS, query, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .onSuccess(reply -> rc.response().setStatusCode(200).putHeader("Content-Type", "application/json")
            .end(reply.body().encode()))
        .onFailure(e -> Errors.send(rc.response(), error(e)));
  }

  private static Long parseEpoch(String text) {
    if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Long.parseLong(text);
  }

  private static ApiError error(Throwable e) {
    if (e instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == 404) {
        return new ApiError(404, "invalid_request_error", re.getMessage(), "epoch", "epoch_not_found", 0);
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT) {
        return new ApiError(503, "service_unavailable",
            "no scheduler with a rewards ledger answered: " + re.getMessage(), null, "no_ledger", 2);
      }
    }
    return ApiError.internal("rewards report failed: " + e.getMessage());
  }
}
