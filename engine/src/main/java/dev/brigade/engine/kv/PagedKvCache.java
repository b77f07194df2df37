package dev.brigade.engine.kv;

import dev.brigade.engine.backend.BatchLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bookkeeping of a paged KV cache: a pool of fixed-size blocks and, per sequence, the table of
 * blocks that hold its tokens (token p of a sequence lives in slot p % blockSize of its block
 * table[p / blockSize]). The K and V values themselves live in the backend's
 * {@link dev.brigade.engine.backend.KvStore}, indexed by the slots this class hands out.
 *
 * <p>Not thread-safe: one slice runs one forward at a time.
 */
public final class PagedKvCache {
  private final int totalBlocks;
  private final int blockSize;
  private final int maxTokensPerSequence;
  private final ArrayDeque<Integer> freeBlocks = new ArrayDeque<>();
  private final Map<String, Sequence> sequences = new HashMap<>();

  private static final class Sequence {
    final List<Integer> blocks = new ArrayList<>();
    int length;
  }

  /**
   * @param maxTokensPerSequence positions at or beyond this are refused (the model's context)
   */
  public PagedKvCache(int totalBlocks, int blockSize, int maxTokensPerSequence) {
    if (totalBlocks <= 0 || blockSize <= 0 || maxTokensPerSequence <= 0) {
      throw new IllegalArgumentException("KV cache needs positive blocks, block size and"
          + " context, got " + totalBlocks + ", " + blockSize + ", " + maxTokensPerSequence);
    }
    this.totalBlocks = totalBlocks;
    this.blockSize = blockSize;
    this.maxTokensPerSequence = maxTokensPerSequence;
    for (int b = 0; b < totalBlocks; b++) {
      freeBlocks.add(b);
    }
  }

  public int totalBlocks() {
    return totalBlocks;
  }

  public int freeBlocks() {
    return freeBlocks.size();
  }

  public int blockSize() {
    return blockSize;
  }

  public int maxTokensPerSequence() {
    return maxTokensPerSequence;
  }

  public boolean contains(String sequenceId) {
    return sequences.containsKey(sequenceId);
  }

  /** Tokens cached for the sequence (0 when unknown). */
  public int length(String sequenceId) {
    Sequence s = sequences.get(sequenceId);
    return s == null ? 0 : s.length;
  }

  public int sequenceCount() {
    return sequences.size();
  }

  /** Blocks the extents would take from the pool, after checking they are valid. */
  public int blocksNeeded(List<KvExtent> extents) {
    Set<String> seen = new HashSet<>();
    int needed = 0;
    for (KvExtent e : extents) {
      if (!seen.add(e.sequenceId())) {
        throw new IllegalArgumentException("sequence " + e.sequenceId()
            + " appears twice in one batch");
      }
      int length = length(e.sequenceId());
      if (e.start() > length) {
        throw new IllegalArgumentException("sequence " + e.sequenceId() + " has " + length
            + " tokens cached, cannot continue at position " + e.start());
      }
      if (e.end() > maxTokensPerSequence) {
        throw new IllegalArgumentException("sequence " + e.sequenceId() + ": position "
            + (e.end() - 1) + " is beyond the cache's limit of " + maxTokensPerSequence
            + " tokens per sequence");
      }
      Sequence s = sequences.get(e.sequenceId());
      int held = s == null ? 0 : s.blocks.size();
      needed += Math.max(0, blocksFor(e.end()) - held);
    }
    return needed;
  }

  /** True when {@link #admit} would succeed for these extents. */
  public boolean canAdmit(List<KvExtent> extents) {
    return blocksNeeded(extents) <= freeBlocks.size();
  }

  /**
   * Admission for one batch: checks every extent, then gives each sequence the blocks it needs
   * and sets its length to the extent's end. All or nothing: throws
   * {@link KvCacheFullException} (nothing changed) when the pool is short.
   */
  public void admit(List<KvExtent> extents) {
    int needed = blocksNeeded(extents);
    if (needed > freeBlocks.size()) {
      throw new KvCacheFullException(needed, freeBlocks.size(), totalBlocks);
    }
    for (KvExtent e : extents) {
      Sequence s = sequences.computeIfAbsent(e.sequenceId(), id -> new Sequence());
      int want = blocksFor(e.end());
      while (s.blocks.size() < want) {
        s.blocks.add(freeBlocks.poll());
      }
      while (s.blocks.size() > want) {
        freeBlocks.add(s.blocks.removeLast());
      }
      s.length = e.end();
    }
  }

  /** Returns every block of the sequence to the pool; unknown ids are ignored. */
  public void free(String sequenceId) {
    Sequence s = sequences.remove(sequenceId);
    if (s != null) {
      freeBlocks.addAll(s.blocks);
    }
  }

  /** The physical blocks of a sequence, in order (a copy). */
  public int[] blockTable(String sequenceId) {
    Sequence s = sequences.get(sequenceId);
    return s == null ? new int[0] : s.blocks.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The physical slot of position {@code pos} of an admitted sequence. */
  public int slot(String sequenceId, int pos) {
    Sequence s = sequences.get(sequenceId);
    if (s == null || pos < 0 || pos >= s.blocks.size() * blockSize) {
      throw new IllegalArgumentException("sequence " + sequenceId + " has no slot for position "
          + pos);
    }
    return s.blocks.get(pos / blockSize) * blockSize + pos % blockSize;
  }

  /**
   * The layout of a batch of admitted extents, rows in extent order: positions, slots, and the
   * block tables attention reads.
   */
  public BatchLayout layout(List<KvExtent> extents) {
    int rows = 0;
    int maxBlocks = 1;
    for (KvExtent e : extents) {
      rows += e.count();
      maxBlocks = Math.max(maxBlocks, blocksFor(e.end()));
    }
    int[] positions = new int[rows];
    int[] slots = new int[rows];
    int[] rowSequence = new int[rows];
    int[] tables = new int[extents.size() * maxBlocks];
    Arrays.fill(tables, -1);
    int r = 0;
    for (int i = 0; i < extents.size(); i++) {
      KvExtent e = extents.get(i);
      Sequence s = sequences.get(e.sequenceId());
      if (s == null || s.length < e.end()) {
        throw new IllegalStateException("sequence " + e.sequenceId() + " was not admitted");
      }
      for (int b = 0; b < blocksFor(e.end()); b++) {
        tables[i * maxBlocks + b] = s.blocks.get(b);
      }
      for (int p = e.start(); p < e.end(); p++, r++) {
        positions[r] = p;
        slots[r] = s.blocks.get(p / blockSize) * blockSize + p % blockSize;
        rowSequence[r] = i;
      }
    }
    return new BatchLayout(rows, positions, slots, rowSequence, tables, maxBlocks, blockSize);
  }

  private int blocksFor(int tokens) {
    return (tokens + blockSize - 1) / blockSize;
  }
}
