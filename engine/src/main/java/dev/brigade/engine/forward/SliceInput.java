package dev.brigade.engine.forward;

/**
 * One batch entry for {@link SliceModel#forward}: {@code count} consecutive tokens of a
 * sequence starting at {@code startPosition} - a prefill chunk (count > 1) or a decode step
 * (count 1). The head slice takes token ids; every other slice takes the previous slice's hidden
 * states [count, hidden] as f32.
 *
 * @param wantLogits whether the tail should return logits for the last of these tokens
 */
public record SliceInput(
    String sequenceId, int startPosition, int count, int[] tokens, float[] hidden,
    boolean wantLogits) {

  public SliceInput {
    if ((tokens == null) == (hidden == null)) {
      throw new IllegalArgumentException("sequence " + sequenceId
          + ": give either token ids or hidden states");
    }
    if (tokens != null && tokens.length != count) {
      throw new IllegalArgumentException("sequence " + sequenceId + ": " + tokens.length
          + " token ids for count " + count);
    }
  }

  /** Token ids for the head slice. */
  public static SliceInput ofTokens(String sequenceId, int startPosition, int[] tokens,
      boolean wantLogits) {
    return new SliceInput(sequenceId, startPosition, tokens.length, tokens, null, wantLogits);
  }

  /** Hidden states [count, hidden] for a slice after the head. */
  public static SliceInput ofHidden(String sequenceId, int startPosition, int count,
      float[] hidden, boolean wantLogits) {
    return new SliceInput(sequenceId, startPosition, count, null, hidden, wantLogits);
  }
}
