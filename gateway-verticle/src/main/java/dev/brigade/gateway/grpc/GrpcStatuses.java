package dev.brigade.gateway.grpc;

import dev.brigade.gateway.api.ApiError;
import io.vertx.grpc.common.GrpcStatus;

/** HTTP-style errors as gRPC statuses. */
final class GrpcStatuses {
  private GrpcStatuses() {}

  static GrpcStatus of(ApiError e) {
    return switch (e.status()) {
      case 400, 413 -> GrpcStatus.INVALID_ARGUMENT;
      case 401 -> GrpcStatus.UNAUTHENTICATED;
      case 404 -> GrpcStatus.NOT_FOUND;
      case 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      case 503 -> GrpcStatus.UNAVAILABLE;
      default -> GrpcStatus.INTERNAL;
    };
  }

  /** "param: message", so a gRPC caller learns the parameter at fault too. */
  static String message(ApiError e) {
    return e.param() == null ? e.message() : e.param() + ": " + e.message();
  }
}
