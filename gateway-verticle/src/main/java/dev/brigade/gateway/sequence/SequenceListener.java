package dev.brigade.gateway.sequence;

/**
 * Receives a sequence's events, always on the context of the verticle that started it. Exactly
 * one of onFinish or onError ends the stream.
 */
public interface SequenceListener {
  void onToken(GeneratedToken token);

  /** @param completionTokens generated tokens including a final stop token, if any */
  void onFinish(FinishReason reason, int completionTokens);

  void onError(SequenceFailure failure);
}
