package dev.brigade.engine.forward;

/**
 * What a slice produced for one {@link SliceInput}: the hidden states [count, hidden] to pass to
 * the next slice (non-tail slices), or the logits [vocab] of the entry's last token (the tail,
 * when the entry wanted them; null otherwise).
 */
public record SliceOutput(
    String sequenceId, int startPosition, int count, float[] hidden, float[] logits,
    boolean wantLogits) {

  /** The next slice's input for this entry (hidden states carried over). */
  public SliceInput next() {
    if (hidden == null) {
      throw new IllegalStateException("the tail slice has no next slice");
    }
    return SliceInput.ofHidden(sequenceId, startPosition, count, hidden, wantLogits);
  }
}
