package dev.brigade.engine.text;

import java.util.Arrays;

/**
 * Turns a stream of token ids into text as it arrives. Byte-level tokens may end in the middle
 * of a UTF-8 character (an emoji often spans two or three tokens); those bytes are held back
 * until the character is complete, so no half character is ever emitted. Bytes that can never
 * become a character are emitted as U+FFFD at once, exactly as {@link Qwen3Tokenizer#decode}
 * would: the concatenation of everything returned equals {@code decode(allIds, skipSpecial)}.
 *
 * <p>One instance per sequence; not thread-safe.
 */
public final class IncrementalDetokenizer {

  private final Qwen3Tokenizer tokenizer;
  private final boolean skipSpecial;
  private byte[] pending = new byte[64];
  private int pendingLength;

  /**
   * @param skipSpecial leave out tokens flagged special ({@code <|im_end|>} and the like); other
   *     added tokens such as {@code <think>} are text
   */
  public IncrementalDetokenizer(Qwen3Tokenizer tokenizer, boolean skipSpecial) {
    this.tokenizer = tokenizer;
    this.skipSpecial = skipSpecial;
  }

  /** Adds one token and returns the text it completes (possibly empty, never a half character). */
  public String add(int tokenId) {
    byte[] bytes = tokenizer.bytesOf(tokenId, skipSpecial);
    if (bytes == null || bytes.length == 0) return "";
    if (pendingLength + bytes.length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
    }
    System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
    pendingLength += bytes.length;
    int ready = Utf8.decodablePrefix(pending, 0, pendingLength);
    if (ready == 0) return "";
    String text = Utf8.decodeLossy(pending, 0, ready);
    System.arraycopy(pending, ready, pending, 0, pendingLength - ready);
    pendingLength -= ready;
    return text;
  }

  /** True while bytes of an unfinished character are held back. */
  public boolean hasPending() {
    return pendingLength > 0;
  }

  /** Ends the stream: held bytes of an unfinished character come out as one U+FFFD. */
  public String flush() {
    String text = Utf8.decodeLossy(pending, 0, pendingLength);
    pendingLength = 0;
    return text;
  }
}
