package dev.brigade.gateway.session;

import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.GeneratedToken;
import dev.brigade.gateway.sequence.SequenceFailure;
import dev.brigade.gateway.sequence.SequenceHandle;
import dev.brigade.gateway.sequence.SequenceListener;
import dev.brigade.gateway.text.StopMatcher;
import dev.brigade.gateway.text.ThinkSplitter;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One request's output path: tokens from the mesh -> text -> stop strings -> reasoning/content
 * split -> the sink. Runs on the verticle's context; not thread-safe.
 */
public final class Generation implements SequenceListener {
  private final int promptTokens;
  private final TextDecoder decoder;
  private final StopMatcher stops;
  private final ThinkSplitter splitter;
  private final IntFunction<TokenLogprob> logprobView;
  private final GenerationSink sink;
  private SequenceHandle handle;
  private Runnable onDone = () -> {};
  private int received;
  private boolean done;

  /**
   * @param splitThinking chat requests split {@code <think>} reasoning; completions do not
   * @param logprobView renders a token with its logprobs, or null when they were not asked for
   */
  public Generation(
      int promptTokens,
      TextDecoder decoder,
      List<String> stopStrings,
      boolean splitThinking,
      IntFunction<TokenLogprob> logprobView,
      GenerationSink sink) {
    this.promptTokens = promptTokens;
    this.decoder = decoder;
    this.stops = new StopMatcher(stopStrings);
    this.splitter = splitThinking ? new ThinkSplitter() : null;
    this.logprobView = logprobView;
    this.sink = sink;
  }

  public void attach(SequenceHandle sequence) {
    this.handle = sequence;
    if (done) sequence.cancel();
  }

  /** Runs once when the generation ends, however it ends. */
  public void whenDone(Runnable action) {
    this.onDone = action;
  }

  /** The client went away: stop generating and free the KV cache; nothing more is sent. */
  public void cancel() {
    if (handle != null) handle.cancel();
    end();
  }

  private void end() {
    done = true;
    Runnable action = onDone;
    onDone = null;
    if (action != null) action.run();
  }

  public boolean isDone() {
    return done;
  }

  @Override
  public void onToken(GeneratedToken token) {
    if (done || token.index() < received) return; // idempotent by index
    received = token.index() + 1;
    StopMatcher.Result r = stops.push(decoder.push(token.tokenId()));
    List<TokenLogprob> lp = List.of();
    if (logprobView != null) lp = List.of(withLogprob(token));
    emit(r.text(), new int[] {token.tokenId()}, lp);
    if (r.stopped()) {
      if (handle != null) handle.cancel();
      end();
      sink.finish("stop", new Usage(promptTokens, received));
    }
  }

  @Override
  public void onFinish(FinishReason reason, int completionTokens) {
    if (done) return;
    end();
    if (reason == FinishReason.CANCELLED) return;
    StopMatcher.Result r = stops.push(decoder.flush());
    String tail = r.stopped() ? r.text() : r.text() + stops.flush();
    emit(tail, new int[0], List.of());
    if (splitter != null) {
      ThinkSplitter.Split last = splitter.flush();
      if (!last.isEmpty()) sink.delta(new Delta(last.reasoning(), last.content(), new int[0], List.of()));
    }
    String finish = r.stopped() || reason == FinishReason.STOP ? "stop" : "length";
    sink.finish(finish, new Usage(promptTokens, Math.max(completionTokens, received)));
  }

  @Override
  public void onError(SequenceFailure failure) {
    if (done) return;
    end();
    sink.fail(Failures.toApiError(failure));
  }

  private void emit(String text, int[] ids, List<TokenLogprob> logprobs) {
    String reasoning = "";
    String content = text;
    if (splitter != null) {
      ThinkSplitter.Split s = splitter.push(text);
      reasoning = s.reasoning();
      content = s.content();
    }
    if (!reasoning.isEmpty() || !content.isEmpty() || ids.length > 0) {
      sink.delta(new Delta(reasoning, content, ids, logprobs));
    }
  }

  private TokenLogprob withLogprob(GeneratedToken token) {
    TokenLogprob self = logprobView.apply(token.tokenId());
    List<TokenLogprob> top =
        token.topLogprobs().stream()
            .map(t -> {
              TokenLogprob v = logprobView.apply(t.tokenId());
              return new TokenLogprob(t.tokenId(), v.token(), v.bytes(), t.logprob(), List.of());
            })
            .toList();
    return new TokenLogprob(token.tokenId(), self.token(), self.bytes(), token.logprob(), top);
  }
}
