package dev.brigade.protocol.routing;

/**
 * A set of positive longs by open addressing with linear probing and backward-shift deletion:
 * no boxing, so counting millions of leases in and out stays cheap.
 */
final class LongSet {
  private long[] keys = new long[64]; // 0 = empty
  private int size;

  int size() {
    return size;
  }

  boolean contains(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); keys[i] != 0; i = (i + 1) & mask) if (keys[i] == key) return true;
    return false;
  }

  boolean add(long key) {
    if (key <= 0) throw new IllegalArgumentException("LongSet holds positive keys only: " + key);
    if (2 * (size + 1) > keys.length) grow();
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (keys[i] != 0) {
      if (keys[i] == key) return false;
      i = (i + 1) & mask;
    }
    keys[i] = key;
    size++;
    return true;
  }

  boolean remove(long key) {
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (keys[i] != key) {
      if (keys[i] == 0) return false;
      i = (i + 1) & mask;
    }
    // Shift later members of the probe run back so every key stays reachable.
    int hole = i;
    int j = (i + 1) & mask;
    while (keys[j] != 0) {
      int home = slot(keys[j], mask);
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = 0;
    size--;
    return true;
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  private void grow() {
    long[] old = keys;
    keys = new long[old.length * 2];
    size = 0;
    for (long k : old) if (k != 0) add(k);
  }
}
