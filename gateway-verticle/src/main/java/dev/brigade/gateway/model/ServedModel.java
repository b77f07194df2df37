package dev.brigade.gateway.model;

import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.text.Qwen3Tokenizer;
import dev.brigade.gateway.session.TokenLogprob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The model this gateway serves: its name, context length, tokenizer and the ids that end a
 * generation. Built from the model card the scheduler publishes (or from a local folder).
 */
public record ServedModel(String name, ModelConfig config, Qwen3Tokenizer tokenizer) {

  public int contextLength() {
    return config.maxPositionEmbeddings();
  }

  /** Ids a prompt may contain: the smaller of the tokenizer's and the embedding's size. */
  public int vocabSize() {
    return Math.min(tokenizer.vocabSize(), config.vocabSize());
  }

  /** {@code <|im_end|>}, {@code <|endoftext|>} and the config's eos all end a generation. */
  public Set<Integer> stopTokenIds() {
    return Set.copyOf(List.of(tokenizer.imEndId(), tokenizer.endOfTextId(), config.eosTokenId()));
  }

  /** A token as logprobs show it: its text and bytes. */
  public TokenLogprob tokenView(int tokenId) {
    String text = tokenizer.decode(new int[] {tokenId});
    return new TokenLogprob(tokenId, text, text.getBytes(StandardCharsets.UTF_8), 0, List.of());
  }
}
