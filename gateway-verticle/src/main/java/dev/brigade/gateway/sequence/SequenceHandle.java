package dev.brigade.gateway.sequence;

/** A running sequence. */
public interface SequenceHandle {
  /** Stops generation and frees the sequence's KV cache on every stage; idempotent. */
  void cancel();
}
