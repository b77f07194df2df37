package dev.brigade.gateway.model;

import dev.brigade.engine.text.Qwen3Tokenizer;
import dev.brigade.gateway.session.TextDecoder;
import java.util.Arrays;

/**
 * Incremental detokenization: the tokens since the last released text are decoded together, and
 * their text is released once it no longer ends in an unfinished UTF-8 character (decoded as
 * U+FFFD). Byte-level tokens concatenate as bytes, so text that ends on a whole character is a
 * clean boundary and the next window starts empty.
 */
public final class TokenizerTextDecoder implements TextDecoder {
  private final Qwen3Tokenizer tokenizer;
  private int[] window = new int[8];
  private int size;

  public TokenizerTextDecoder(Qwen3Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  @Override
  public String push(int tokenId) {
    if (size == window.length) window = Arrays.copyOf(window, size * 2);
    window[size++] = tokenId;
    String text = tokenizer.decode(Arrays.copyOf(window, size));
    if (text.endsWith("\uFFFD")) return ""; // half a character so far
    size = 0;
    return text;
  }

  @Override
  public String flush() {
    String rest = size == 0 ? "" : tokenizer.decode(Arrays.copyOf(window, size));
    size = 0;
    return rest;
  }
}
