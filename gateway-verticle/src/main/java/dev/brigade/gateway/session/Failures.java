package dev.brigade.gateway.session;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.sequence.SequenceFailure;

/** Maps the mesh's failures to the HTTP errors a caller sees. */
public final class Failures {
  private Failures() {}

  public static ApiError toApiError(SequenceFailure failure) {
    return switch (failure.kind()) {
      case NO_PIPELINE -> ApiError.unavailable(failure.message());
      case QUEUE_FULL -> ApiError.tooManyRequests(failure.message());
      case CONTEXT_FULL -> ApiError.contextTooLong("max_tokens", failure.message());
      case INTERNAL -> ApiError.internal(failure.message());
    };
  }
}
