package dev.brigade.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Helpers for role commands that serve until the process is killed. */
final class Serving {
  private Serving() {}

  /** Waits for a start-up future; its failure becomes the command's one-line error. */
  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
    }
  }

  /** Blocks until the JVM shuts down; a clean stop (SIGTERM, Ctrl-C) closes Vert.x first. */
  static void untilKilled(Vertx vertx) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the process is ending anyway
      }
      stopped.countDown();
    }));
    stopped.await();
  }

  /** Closes Vert.x after a failed start, so the error is the last word. */
  static void closeQuietly(Vertx vertx) {
    if (vertx != null) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reporting the start-up error matters more
      }
    }
  }
}
