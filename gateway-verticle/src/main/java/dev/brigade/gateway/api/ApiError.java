package dev.brigade.gateway.api;

import io.vertx.core.json.JsonObject;

/**
 * An error in OpenAI's shape: {"error":{"message","type","param","code"}} plus the HTTP status.
 *
 * @param param the request parameter at fault, or null
 * @param code a short machine-readable code, or null
 * @param retryAfterSeconds for 503/429: the Retry-After header value, or 0 for none
 */
public record ApiError(
    int status, String type, String message, String param, String code, int retryAfterSeconds) {

  public static ApiError invalid(String param, String message) {
    return new ApiError(400, "invalid_request_error", message, param, "invalid_value", 0);
  }

  public static ApiError brokenJson(String detail) {
    return new ApiError(
        400, "invalid_request_error", "The body is not valid JSON: " + detail, null, "invalid_json", 0);
  }

  public static ApiError contextTooLong(String param, String message) {
    return new ApiError(400, "invalid_request_error", message, param, "context_length_exceeded", 0);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "authentication_error", message, null, "invalid_api_key", 0);
  }

  public static ApiError modelNotFound(String model) {
    return new ApiError(
        404,
        "invalid_request_error",
        "The model '" + model + "' does not exist; GET /v1/models lists the served model",
        "model",
        "model_not_found",
        0);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "invalid_request_error", message, null, "not_found", 0);
  }

  public static ApiError tooLarge(long limitBytes) {
    return new ApiError(
        413,
        "invalid_request_error",
        "The request body is larger than the limit of " + limitBytes + " bytes",
        null,
        "request_too_large",
        0);
  }

  public static ApiError tooManyRequests(String message) {
    return new ApiError(429, "rate_limit_error", message, null, "too_many_requests", 1);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "service_unavailable", message, null, "no_ready_pipeline", 2);
  }

  public static ApiError internal(String message) {
    return new ApiError(500, "server_error", message, null, "internal_error", 0);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put(
            "error",
            new JsonObject()
                .put("message", message)
                .put("type", type)
                .put("param", param)
                .put("code", code));
  }
}
