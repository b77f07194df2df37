package dev.brigade.launcher.bench;

/** bench-mesh's reference: the whole model in one process, one greedy sequence at a time. */
interface Baseline extends AutoCloseable {
  /** The tokens after {@code prompt}, each with the time it was sampled. */
  MeshBench.TimedTokens decode(int[] prompt, int tokens) throws Exception;

  /** Milliseconds the baseline's JVM has spent compiling so far (see {@link JitClock}). */
  long jitMillis() throws Exception;
}
