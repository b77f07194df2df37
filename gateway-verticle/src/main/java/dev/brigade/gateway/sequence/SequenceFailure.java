package dev.brigade.gateway.sequence;

/**
 * Why a sequence could not run or could not finish.
 *
 * @param kind NO_PIPELINE (HTTP 503), QUEUE_FULL (429), CONTEXT_FULL (400: prompt + max tokens
 *     beyond what the cluster can hold), INTERNAL (500)
 */
public record SequenceFailure(Kind kind, String message) {
  public enum Kind {
    NO_PIPELINE,
    QUEUE_FULL,
    CONTEXT_FULL,
    INTERNAL
  }
}
