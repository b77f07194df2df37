package dev.brigade.gateway.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** Reads a request body as one JSON object, or throws the 400 that says what is wrong. */
public final class JsonBodies {
  private JsonBodies() {}

  public static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new ApiException(ApiError.brokenJson("the body is empty; send a JSON object"));
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      String detail = e.getMessage() == null ? "cannot be parsed" : e.getMessage().lines().findFirst().orElse("");
      throw new ApiException(ApiError.brokenJson(detail));
    }
    if (!(value instanceof JsonObject o)) {
      throw new ApiException(ApiError.brokenJson("the body must be a JSON object"));
    }
    return o;
  }

  /** The OpenAI error for anything a request step threw. */
  public static ApiError errorOf(Throwable t) {
    if (t instanceof ApiException e) return e.error();
    if (t instanceof IllegalArgumentException e) return ApiError.invalid(null, e.getMessage());
    return ApiError.internal(t.getClass().getSimpleName() + ": " + t.getMessage());
  }
}
