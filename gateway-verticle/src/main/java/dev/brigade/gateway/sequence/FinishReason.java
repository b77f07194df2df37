package dev.brigade.gateway.sequence;

/** Why a sequence ended. */
public enum FinishReason {
  /** A stop token was generated. */
  STOP,
  /** max tokens or the context length was reached. */
  LENGTH,
  /** The caller cancelled it (or disconnected). */
  CANCELLED
}
