package dev.brigade.worker.stage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A stage's live figures for heartbeats, metrics and benchmarks. Written by the compute thread,
 * read from anywhere.
 */
public final class StageFigures {
  private volatile long weightBytes;
  private volatile long kvBytes;
  private volatile int kvBlocks;
  private volatile long kvTokens;
  private volatile int activeSequences;
  private volatile int reservedBlocks;
  private volatile int cachedSequences;
  private final AtomicLong tokensSampled = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batchRows = new AtomicLong();
  private final AtomicLong batchEntries = new AtomicLong();
  private final AtomicLong computeNanos = new AtomicLong();

  void slice(LoadedSlice slice) {
    weightBytes = slice == null ? 0 : slice.weightBytes();
    kvBytes = slice == null ? 0 : slice.kvBytes();
    kvBlocks = slice == null ? 0 : slice.totalBlocks();
    kvTokens = slice == null ? 0 : (long) slice.totalBlocks() * slice.blockSize();
  }

  void sequences(int active, int reserved) {
    activeSequences = active;
    reservedBlocks = reserved;
  }

  void cached(int sequences) {
    cachedSequences = sequences;
  }

  void batch(int entries, int rows, long nanos) {
    batches.incrementAndGet();
    batchEntries.addAndGet(entries);
    batchRows.addAndGet(rows);
    computeNanos.addAndGet(nanos);
  }

  void token() {
    tokensSampled.incrementAndGet();
  }

  /** Bytes of the loaded slice's weights (0 when none is loaded). */
  public long weightBytes() {
    return weightBytes;
  }

  /** Bytes of the KV pool. */
  public long kvBytes() {
    return kvBytes;
  }

  /** Tokens of context the KV pool holds, over all sequences (0 when no slice is loaded). */
  public long kvTokens() {
    return kvTokens;
  }

  /** KV bytes not yet reserved by admitted sequences. */
  public long kvFreeBytes() {
    int blocks = kvBlocks;
    return blocks == 0 ? 0 : kvBytes * (blocks - reservedBlocks) / blocks;
  }

  public int activeSequences() {
    return activeSequences;
  }

  /** Sequences holding KV blocks in the engine's cache (admitted ones that ran a forward). */
  public int cachedSequences() {
    return cachedSequences;
  }

  /** Tokens sampled here (tail stages only). */
  public long tokensSampled() {
    return tokensSampled.get();
  }

  public long batches() {
    return batches.get();
  }

  /** Mean sequences per batched forward. */
  public double meanBatchEntries() {
    long b = batches.get();
    return b == 0 ? 0 : (double) batchEntries.get() / b;
  }

  public long batchRows() {
    return batchRows.get();
  }

  public long computeNanos() {
    return computeNanos.get();
  }
}
