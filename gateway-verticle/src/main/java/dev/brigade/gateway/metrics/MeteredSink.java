package dev.brigade.gateway.metrics;

import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.session.Delta;
import dev.brigade.gateway.session.GenerationSink;
import dev.brigade.gateway.session.Usage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Passes a generation's output on and records it: time to first token, the gap before each later
 * token, output tokens, and how the request ended. Called on the gateway's context.
 */
public final class MeteredSink implements GenerationSink {
  private final GatewayMetrics metrics;
  private final GenerationSink out;
  private final long startNanos = System.nanoTime();
  private long lastTokenNanos = -1;
  private boolean closed;

  MeteredSink(GatewayMetrics metrics, GenerationSink out) {
    this.metrics = metrics;
    this.out = out;
    metrics.queued.incrementAndGet();
  }

  @Override
  public void delta(Delta delta) {
    int tokens = delta.tokenIds().length;
    if (tokens > 0 && !closed) {
      long now = System.nanoTime();
      if (lastTokenNanos < 0) {
        metrics.queued.decrementAndGet();
        metrics.firstToken(now - startNanos);
      } else {
        metrics.interToken(now - lastTokenNanos, tokens);
      }
      lastTokenNanos = now;
      metrics.outputTokens(tokens);
    }
    out.delta(delta);
  }

  @Override
  public void finish(String finishReason, Usage usage) {
    if (!closed) metrics.requestEnded(200, finishReason);
    close();
    out.finish(finishReason, usage);
  }

  @Override
  public void fail(ApiError error) {
    if (!closed) metrics.requestEnded(error.status(), error.type());
    close();
    out.fail(error);
  }

  /**
   * The generation ended however it ended; idempotent. One that ends here without a finish or a
   * failure was cancelled by its client (status 499, as nginx counts a client that went away).
   */
  public void closed() {
    // A finish or failure may follow in the same turn (the generation ends before it tells the
    // sink): count a cancel only if none came.
    Context context = Vertx.currentContext();
    if (context == null) {
      cancelledUnlessEnded();
    } else {
      context.runOnContext(v -> cancelledUnlessEnded());
    }
  }

  private void cancelledUnlessEnded() {
    if (!closed) metrics.requestEnded(499, "cancelled");
    close();
  }

  private void close() {
    if (closed) return;
    closed = true;
    if (lastTokenNanos < 0) metrics.queued.decrementAndGet();
  }
}
