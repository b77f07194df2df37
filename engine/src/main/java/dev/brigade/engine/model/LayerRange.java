package dev.brigade.engine.model;

/**
 * A contiguous slice of decoder layers [start, end). The slice that starts at 0 is the head
 * (it owns the embeddings); the slice that ends at the model's layer count is the tail (final
 * norm and lm_head).
 */
public record LayerRange(int start, int end) {
  public LayerRange {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("bad layer range [" + start + ", " + end + ")");
    }
  }

  public int size() {
    return end - start;
  }

  public boolean isHead() {
    return start == 0;
  }

  public boolean isTail(int numLayers) {
    return end == numLayers;
  }

  public boolean contains(int layer) {
    return layer >= start && layer < end;
  }

  @Override
  public String toString() {
    return "[" + start + "," + end + ")";
  }
}
