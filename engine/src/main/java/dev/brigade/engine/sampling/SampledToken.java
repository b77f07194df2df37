package dev.brigade.engine.sampling;

import java.util.List;

/**
 * The token the sampler chose.
 *
 * @param logprob the chosen token's log-probability under the raw distribution (log-softmax of
 *     the logits as the model produced them, before penalties and temperature, as vLLM reports by
 *     default); NaN when logprobs were not requested
 * @param topLogprobs the {@code topLogprobs} most likely tokens under that same distribution,
 *     most likely first (ties: lower id first); empty when not requested or when 0 were asked for
 */
public record SampledToken(int token, float logprob, List<TokenLogprob> topLogprobs) {
  public SampledToken {
    topLogprobs = List.copyOf(topLogprobs);
  }

  public boolean hasLogprob() {
    return !Float.isNaN(logprob);
  }
}
