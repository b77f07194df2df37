package dev.brigade.engine.kv;

/**
 * The positions one batch entry writes: {@code count} tokens of {@code sequenceId} starting at
 * {@code start}. After the forward the sequence holds exactly {@code start + count} tokens; a
 * start below the current length rewinds the sequence (its later tokens are forgotten).
 */
public record KvExtent(String sequenceId, int start, int count) {
  public KvExtent {
    if (sequenceId == null) {
      throw new IllegalArgumentException("sequence id is missing");
    }
    if (start < 0 || count <= 0) {
      throw new IllegalArgumentException("sequence " + sequenceId + ": bad positions start="
          + start + " count=" + count);
    }
  }

  public int end() {
    return start + count;
  }
}
