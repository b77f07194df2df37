package dev.brigade.worker.stage;

import dev.brigade.engine.sampling.SampledToken;
import dev.brigade.engine.sampling.Sampler;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.sampling.TokenHistory;
import dev.brigade.engine.sampling.TokenLogprob;
import dev.brigade.protocol.wire.Sampling;
import dev.brigade.protocol.wire.TokenEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail's token choice: the engine's sampler over the last row's logits, whose randomness is
 * a pure function of (seed, position), so a sequence resumed on another pipeline draws the same
 * tokens. One per stage, used only by its compute thread.
 */
final class TailSampler {
  private final Sampler sampler = new Sampler();

  record Sampled(int tokenId, float logprob, List<TokenEvent.Top> top) {}

  /**
   * @param position the position the new token takes in the sequence
   * @param history prompt + generated ids so far (penalties)
   */
  Sampled sample(float[] logits, Sampling s, TokenHistory history, int position) {
    SampledToken t = sampler.sample(logits, toEngine(s), position, history);
    List<TokenEvent.Top> top = new ArrayList<>(t.topLogprobs().size());
    for (TokenLogprob lp : t.topLogprobs()) {
      top.add(new TokenEvent.Top(lp.token(), lp.logprob()));
    }
    return new Sampled(t.token(), t.logprob(), top);
  }

  static SamplingParams toEngine(Sampling s) {
    return new SamplingParams(s.temperature(), s.topK(), s.topP(), s.minP(), s.repetitionPenalty(),
        s.presencePenalty(), s.frequencyPenalty(), s.seed(), s.topLogprobs());
  }
}
