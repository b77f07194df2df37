package dev.brigade.launcher.mesh;

import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.GeneratedToken;
import dev.brigade.gateway.sequence.SequenceFailure;
import dev.brigade.gateway.sequence.SequenceListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a sequence's listener saw, and on which context. */
public final class RecordingListener implements SequenceListener {
  public record Outcome(List<Integer> tokens, List<Integer> indexes, FinishReason reason, int completionTokens,
      SequenceFailure failure, boolean onCallerContext) {}

  public final List<Integer> tokens = new CopyOnWriteArrayList<>();
  final List<Integer> indexes = new CopyOnWriteArrayList<>();
  public final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final Context callerContext;
  private volatile boolean allOnCaller = true;

  public RecordingListener(Context callerContext) {
    this.callerContext = callerContext;
  }

  private void checkContext() {
    if (Vertx.currentContext() != callerContext) {
      allOnCaller = false;
    }
  }

  @Override
  public void onToken(GeneratedToken token) {
    checkContext();
    tokens.add(token.tokenId());
    indexes.add(token.index());
  }

  @Override
  public void onFinish(FinishReason reason, int completionTokens) {
    checkContext();
    if (!outcome.complete(new Outcome(List.copyOf(tokens), List.copyOf(indexes), reason, completionTokens, null, allOnCaller))) {
      throw new IllegalStateException("stream ended twice");
    }
  }

  @Override
  public void onError(SequenceFailure failure) {
    checkContext();
    if (!outcome.complete(new Outcome(List.copyOf(tokens), List.copyOf(indexes), null, 0, failure, allOnCaller))) {
      throw new IllegalStateException("stream ended twice");
    }
  }
}
