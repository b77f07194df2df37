package dev.brigade.engine.sampling;

/**
 * How the next token is chosen. Temperature 0 means greedy. Randomness is a pure function of
 * (seed, position), so a sequence resumed on another pipeline continues identically.
 *
 * @param topK 0 disables top-k
 * @param topP 1 disables top-p
 * @param minP 0 disables min-p
 * @param repetitionPenalty 1 disables it (HF semantics: divide positive logits, multiply negative)
 * @param presencePenalty 0 disables it (OpenAI semantics)
 * @param frequencyPenalty 0 disables it (OpenAI semantics)
 * @param topLogprobs how many alternatives to report per token; -1 means no logprobs at all
 */
public record SamplingParams(
    double temperature,
    int topK,
    double topP,
    double minP,
    double repetitionPenalty,
    double presencePenalty,
    double frequencyPenalty,
    long seed,
    int topLogprobs) {

  public static SamplingParams greedy() {
    return new SamplingParams(0, 0, 1, 0, 1, 0, 0, 0, -1);
  }

  public boolean isGreedy() {
    return temperature == 0;
  }

  public boolean wantsLogprobs() {
    return topLogprobs >= 0;
  }
}
