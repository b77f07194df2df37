package dev.brigade.gateway.api;

/** Thrown while reading a request; carries the OpenAI-shaped error to answer with. */
public final class ApiException extends RuntimeException {
  private final ApiError error;

  public ApiException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public ApiError error() {
    return error;
  }
}
