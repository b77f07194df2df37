package dev.brigade.engine.sampling;

import java.util.Arrays;

/**
 * The tokens a sequence has so far, for the penalties: {@code ids[0, length)}, of which the first
 * {@code promptLength} are the prompt and the rest were generated. The array may be longer than
 * {@code length} (a growing buffer); it is read, never written or kept.
 */
public record TokenHistory(int[] ids, int length, int promptLength) {

  public static final TokenHistory EMPTY = new TokenHistory(new int[0], 0, 0);

  public TokenHistory {
    if (ids == null) throw new IllegalArgumentException("token history ids must not be null");
    if (length < 0 || length > ids.length) {
      throw new IllegalArgumentException("token history length " + length + " outside 0.." + ids.length);
    }
    if (promptLength < 0 || promptLength > length) {
      throw new IllegalArgumentException("token history prompt length " + promptLength + " outside 0.." + length);
    }
  }

  /** Prompt followed by generated tokens, copied into one array. */
  public static TokenHistory of(int[] prompt, int[] generated) {
    int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
    System.arraycopy(generated, 0, all, prompt.length, generated.length);
    return new TokenHistory(all, all.length, prompt.length);
  }

  public int generatedLength() {
    return length - promptLength;
  }

  // Records compare arrays by identity; these two make equal histories equal.
  @Override
  public boolean equals(Object o) {
    return o instanceof TokenHistory h
        && h.length == length
        && h.promptLength == promptLength
        && Arrays.equals(ids, 0, length, h.ids, 0, length);
  }

  @Override
  public int hashCode() {
    int h = 31 * length + promptLength;
    for (int i = 0; i < length; i++) h = 31 * h + ids[i];
    return h;
  }

  @Override
  public String toString() {
    return "TokenHistory" + Arrays.toString(Arrays.copyOf(ids, length)) + " prompt=" + promptLength;
  }
}
