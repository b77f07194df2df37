package dev.brigade.engine.text;

/**
 * Applies BPE merges to one pre-tokenized word: always merge the pair with the lowest rank,
 * leftmost first on ties, until no pair merges (Hugging Face's order). Symbols form a linked
 * list and candidate pairs sit in a binary heap keyed by (rank, position), so long words cost
 * O(n log n) rather than O(n^2).
 */
final class BpeWord {

  private BpeWord() {}

  static int[] merge(int[] symbols, MergeTable merges) {
    int n = symbols.length;
    if (n < 2) return symbols.clone();
    int[] id = symbols.clone();
    int[] prev = new int[n];
    int[] next = new int[n];
    for (int i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    LongHeap heap = new LongHeap(n);
    for (int i = 0; i + 1 < n; i++) push(heap, merges, id, i, i + 1);
    int alive = n;
    while (!heap.isEmpty()) {
      long top = heap.pop();
      int rank = (int) (top >>> 32);
      int pos = (int) top;
      int right = next[pos];
      if (id[pos] < 0 || right < 0) continue; // symbol was absorbed or has no right neighbour now
      int slot = merges.find(id[pos], id[right]);
      if (slot < 0 || merges.rankAt(slot) != rank) continue; // stale entry: the pair changed
      id[pos] = merges.mergedIdAt(slot);
      id[right] = -1;
      int after = next[right];
      next[pos] = after;
      if (after >= 0) prev[after] = pos;
      alive--;
      if (prev[pos] >= 0) push(heap, merges, id, prev[pos], pos);
      if (after >= 0) push(heap, merges, id, pos, after);
    }
    int[] out = new int[alive];
    int k = 0;
    for (int i = 0; i >= 0; i = next[i]) out[k++] = id[i];
    return out;
  }

  private static void push(LongHeap heap, MergeTable merges, int[] id, int left, int right) {
    int slot = merges.find(id[left], id[right]);
    if (slot >= 0) heap.push(((long) merges.rankAt(slot) << 32) | left);
  }

  /** A min-heap of longs. */
  private static final class LongHeap {
    private long[] a;
    private int size;

    LongHeap(int capacity) {
      a = new long[Math.max(4, capacity)];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void push(long v) {
      if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (a[parent] <= v) break;
        a[i] = a[parent];
        i = parent;
      }
      a[i] = v;
    }

    long pop() {
      long top = a[0];
      long last = a[--size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && a[child + 1] < a[child]) child++;
        if (a[child] >= last) break;
        a[i] = a[child];
        i = child;
      }
      a[i] = last;
      return top;
    }
  }
}
