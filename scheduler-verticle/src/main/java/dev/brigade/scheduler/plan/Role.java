package dev.brigade.scheduler.plan;

/** A stage's place in its pipeline, which decides the extra tensors it holds. */
public enum Role {
  /** The only stage: embeddings, every layer, final norm and lm_head. */
  SOLE,
  /** First stage: embeddings. */
  HEAD,
  /** Between head and tail: layers only. */
  MIDDLE,
  /** Last stage: final norm and lm_head. */
  TAIL;

  public static Role of(int index, int stages) {
    if (stages == 1) return SOLE;
    if (index == 0) return HEAD;
    return index == stages - 1 ? TAIL : MIDDLE;
  }
}
