package dev.brigade.engine.kv;

/**
 * A batch needs more KV blocks than the pool has free. Thrown by admission, before any work, so
 * the caller can retry the batch later or without some of its sequences.
 */
public final class KvCacheFullException extends RuntimeException {
  private final int needed;
  private final int free;
  private final int total;

  public KvCacheFullException(int needed, int free, int total) {
    super("KV cache full: need " + needed + " blocks, " + free + " free of " + total);
    this.needed = needed;
    this.free = free;
    this.total = total;
  }

  public int needed() {
    return needed;
  }

  public int free() {
    return free;
  }

  public int total() {
    return total;
  }
}
