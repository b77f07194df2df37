package dev.brigade.engine.generate;

import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.sampling.SampledToken;
import dev.brigade.engine.sampling.Sampler;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.sampling.TokenHistory;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Single-process generation over a {@link SliceChain}: the prompt is prefilled in chunks (the
 * last chunk asks for logits), then one token at a time is sampled and fed back until a stop
 * token or the token limit.
 */
public final class Generator {
  public static final int DEFAULT_PREFILL_CHUNK = 256;

  private final SliceChain chain;
  private final int prefillChunk;
  private final Sampler sampler = new Sampler();

  public Generator(SliceChain chain, int prefillChunk) {
    if (prefillChunk < 1) {
      throw new IllegalArgumentException("prefill chunk must be at least 1, got " + prefillChunk);
    }
    this.chain = chain;
    this.prefillChunk = prefillChunk;
  }

  public Generator(SliceChain chain) {
    this(chain, DEFAULT_PREFILL_CHUNK);
  }

  /**
   * Generates up to {@code maxTokens} tokens after {@code prompt}. The stop token that ends the
   * sequence is not included. {@code onToken} sees each token as it is produced. The sequence's
   * KV cache is freed at the end.
   */
  public int[] generate(String sequenceId, int[] prompt, int maxTokens, SamplingParams params,
      Set<Integer> stopTokens, IntConsumer onToken) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt has no tokens");
    }
    if (maxTokens < 0) {
      throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
    }
    Sampler.validate(params);
    // prompt then generated tokens in one growing buffer: the sampler's penalty history
    int[] all = Arrays.copyOf(prompt, prompt.length + maxTokens);
    int count = 0;
    try {
      float[] logits = null;
      for (int start = 0; start < prompt.length && maxTokens > 0; start += prefillChunk) {
        int end = Math.min(prompt.length, start + prefillChunk);
        int[] chunk = Arrays.copyOfRange(prompt, start, end);
        boolean last = end == prompt.length;
        logits = chain.forward(List.of(SliceInput.ofTokens(sequenceId, start, chunk, last)))
            .getFirst().logits();
      }
      int position = prompt.length;
      while (count < maxTokens) {
        TokenHistory history = new TokenHistory(all, prompt.length + count, prompt.length);
        SampledToken next = sampler.sample(logits, params, position, history);
        if (stopTokens.contains(next.token())) {
          break;
        }
        all[prompt.length + count++] = next.token();
        onToken.accept(next.token());
        if (count == maxTokens) {
          break;
        }
        logits = chain.forward(List.of(SliceInput.ofTokens(sequenceId, position,
            new int[] {next.token()}, true))).getFirst().logits();
        position++;
      }
    } finally {
      chain.free(sequenceId);
    }
    return Arrays.copyOfRange(all, prompt.length, prompt.length + count);
  }
}
