package dev.brigade.engine.text;

/**
 * The BPE merge list as an open-addressing hash table from a pair of token ids to the merge's
 * rank (its line in the list; lower merges first) and the id of the merged token.
 */
final class MergeTable {

  private final long[] keys;
  private final int[] ranks;
  private final int[] mergedIds;
  private final int mask;
  private int size;

  MergeTable(int expectedMerges) {
    int capacity = Integer.highestOneBit(Math.max(16, expectedMerges * 2)) << 1;
    keys = new long[capacity];
    ranks = new int[capacity];
    mergedIds = new int[capacity];
    mask = capacity - 1;
    java.util.Arrays.fill(keys, -1L);
  }

  /** Adds a merge unless the pair is already present (the first, lowest rank wins, as in HF). */
  void add(int left, int right, int rank, int mergedId) {
    long key = key(left, right);
    int slot = slot(key);
    while (keys[slot] != -1L) {
      if (keys[slot] == key) return;
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    ranks[slot] = rank;
    mergedIds[slot] = mergedId;
    size++;
  }

  /** The slot holding this pair, or -1 if the pair never merges. */
  int find(int left, int right) {
    long key = key(left, right);
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) return slot;
      if (k == -1L) return -1;
      slot = (slot + 1) & mask;
    }
  }

  int rankAt(int slot) {
    return ranks[slot];
  }

  int mergedIdAt(int slot) {
    return mergedIds[slot];
  }

  int size() {
    return size;
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }
}
