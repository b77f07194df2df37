package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/**
 * The scheduler's answer to a heartbeat. {@code known == false} means the scheduler has no live
 * record of the node (it was declared gone, or the registry was lost): the worker registers
 * again.
 */
public record HeartbeatReply(boolean known) {

  public JsonObject toJson() {
    return new JsonObject().put("known", known);
  }

  public static HeartbeatReply fromJson(JsonObject j) {
    return new HeartbeatReply(j.getBoolean("known", false));
  }
}
