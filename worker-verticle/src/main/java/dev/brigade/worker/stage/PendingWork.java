package dev.brigade.worker.stage;

/**
 * One batch entry waiting at a stage: token ids at the head (a prefill chunk or the token fed
 * back for a decode step), hidden states from the previous stage elsewhere.
 *
 * @param sample true when the tail samples after the last row
 */
record PendingWork(int startPosition, int count, int[] tokens, float[] hidden, boolean sample) {

  static PendingWork tokens(int startPosition, int[] ids, boolean sample) {
    return new PendingWork(startPosition, ids.length, ids, null, sample);
  }

  static PendingWork hidden(int startPosition, int count, float[] hidden, boolean sample) {
    return new PendingWork(startPosition, count, null, hidden, sample);
  }
}
