package dev.brigade.worker.stage;

import dev.brigade.engine.sampling.TokenHistory;
import dev.brigade.protocol.wire.StartSequence;
import java.util.ArrayDeque;
import java.util.Arrays;

/** A sequence as one stage knows it. Touched only by the stage's compute thread. */
final class SequenceState {
  final StartSequence start;
  /** KV blocks set aside at admission for the whole sequence (context + remaining tokens). */
  final int reservedBlocks;
  final ArrayDeque<PendingWork> pending = new ArrayDeque<>();
  long lastActivityNanos;

  // Tail only: what sampling needs.
  /** Prompt + generated ids, for repetition/presence/frequency penalties. */
  int[] history;
  int historyLength;
  /** Index of the next generated token. */
  int nextIndex;

  SequenceState(StartSequence start, int reservedBlocks, long nowNanos) {
    this.start = start;
    this.reservedBlocks = reservedBlocks;
    this.lastActivityNanos = nowNanos;
    int[] context = start.contextIds();
    this.history = Arrays.copyOf(context, context.length + Math.max(1, start.maxTokens()));
    this.historyLength = context.length;
    this.nextIndex = start.generatedIds().length;
  }

  String seqId() {
    return start.seqId();
  }

  int attempt() {
    return start.attempt();
  }

  void appendHistory(int token) {
    if (historyLength == history.length) {
      history = Arrays.copyOf(history, history.length * 2);
    }
    history[historyLength++] = token;
  }

  /** Prompt + generated ids; generated ones (penalised by presence/frequency) follow the prompt. */
  TokenHistory history() {
    return new TokenHistory(history, historyLength, start.promptIds().length);
  }
}
