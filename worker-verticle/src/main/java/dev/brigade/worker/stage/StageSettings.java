package dev.brigade.worker.stage;

import dev.brigade.protocol.wire.HiddenDType;

/**
 * How a stage batches and forwards. Validated once, at construction.
 *
 * @param maxBatchTokens rows one batched forward may hold (decode steps first, then prefill
 *     chunks until this is reached; one entry always runs)
 * @param prefillChunkTokens the head splits a prompt into chunks of at most this many tokens,
 *     so decode steps of other sequences interleave with a long prefill
 * @param hiddenDType how activations travel to the next stage (F32 keeps results identical to
 *     a single process; BF16 halves the bytes)
 * @param reapAfterMillis a sequence with no frame for this long is freed (its gateway is gone)
 * @param maxBufferedFrames frames the event-bus consumer buffers before it pushes back
 */
public record StageSettings(
    int maxBatchTokens,
    int prefillChunkTokens,
    HiddenDType hiddenDType,
    long reapAfterMillis,
    int maxBufferedFrames) {

  public StageSettings {
    if (maxBatchTokens < 1) {
      throw new IllegalArgumentException("max batch tokens must be >= 1, got " + maxBatchTokens);
    }
    if (prefillChunkTokens < 1) {
      throw new IllegalArgumentException("prefill chunk must be >= 1 token, got " + prefillChunkTokens);
    }
    if (hiddenDType == null) {
      throw new IllegalArgumentException("hidden dtype must be F32 or BF16");
    }
    if (reapAfterMillis < 1) {
      throw new IllegalArgumentException("reap timeout must be positive, got " + reapAfterMillis);
    }
    if (maxBufferedFrames < 1) {
      throw new IllegalArgumentException("max buffered frames must be >= 1, got " + maxBufferedFrames);
    }
  }

  public static StageSettings defaults() {
    return new StageSettings(512, 256, HiddenDType.F32, 120_000, 10_000);
  }

  public StageSettings withHiddenDType(HiddenDType dtype) {
    return new StageSettings(maxBatchTokens, prefillChunkTokens, dtype, reapAfterMillis, maxBufferedFrames);
  }

  public StageSettings withPrefillChunkTokens(int tokens) {
    return new StageSettings(maxBatchTokens, tokens, hiddenDType, reapAfterMillis, maxBufferedFrames);
  }

  public StageSettings withReapAfterMillis(long millis) {
    return new StageSettings(maxBatchTokens, prefillChunkTokens, hiddenDType, millis, maxBufferedFrames);
  }
}
