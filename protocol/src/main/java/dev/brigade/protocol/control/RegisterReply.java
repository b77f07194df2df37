package dev.brigade.protocol.control;

import io.vertx.core.json.JsonObject;

/** The scheduler's answer to {@link Register}; a refusal says what is wrong. */
public record RegisterReply(boolean accepted, String reason) {

  public static RegisterReply accept() {
    return new RegisterReply(true, null);
  }

  public static RegisterReply refuse(String reason) {
    return new RegisterReply(false, reason);
  }

  public JsonObject toJson() {
    return new JsonObject().put("accepted", accepted).put("reason", reason);
  }

  public static RegisterReply fromJson(JsonObject j) {
    return new RegisterReply(j.getBoolean("accepted", false), j.getString("reason"));
  }
}
