package dev.brigade.gateway.model;

import dev.brigade.engine.text.IncrementalDetokenizer;
import dev.brigade.engine.text.Qwen3Tokenizer;
import dev.brigade.gateway.session.TextDecoder;

/**
 * The engine's incremental detokenizer as the gateway's text decoder: never half a UTF-8
 * character; special tokens stay in the text (the stop token never reaches it, and
 * {@code <think>} must stay visible for the reasoning split).
 */
public final class TokenizerTextDecoder implements TextDecoder {
  private final IncrementalDetokenizer detokenizer;

  public TokenizerTextDecoder(Qwen3Tokenizer tokenizer) {
    this.detokenizer = new IncrementalDetokenizer(tokenizer, false);
  }

  @Override
  public String push(int tokenId) {
    return detokenizer.add(tokenId);
  }

  @Override
  public String flush() {
    return detokenizer.flush();
  }
}
