package dev.brigade.gateway.sequence;

import java.util.List;

/**
 * A token produced for a sequence. Events are idempotent by (sequence, index).
 *
 * @param index 0-based position among the generated tokens
 * @param logprob NaN when logprobs were not requested
 * @param topLogprobs empty when not requested
 */
public record GeneratedToken(int index, int tokenId, double logprob, List<TopLogprob> topLogprobs) {
  public record TopLogprob(int tokenId, double logprob) {}
}
