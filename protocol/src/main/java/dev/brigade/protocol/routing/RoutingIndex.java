package dev.brigade.protocol.routing;

import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Router}'s choice kept incrementally for thousands of pipelines. Ready pipelines sit in
 * binary heaps ordered by {@link Router#expectedSeconds} (then id), one heap per class of free
 * KV room (eight classes per doubling), and move in place whenever one of their leases
 * changes. A request of t tokens fits every pipeline of a class above t's own, so only the top
 * of each such heap is compared; in t's own class (room within an eighth of a doubling of t)
 * the heap is searched best first for the first pipeline that fits. The answer is always
 * exactly {@link Router#pick}'s, also when the fleet is nearly full and only a few pipelines
 * still have room, at O(classes + log n) per pick. Not thread-safe.
 */
public final class RoutingIndex {
  /** A pipeline with its routing figures computed once and its place in a heap. */
  private static final class Slot {
    final PipelineSpec pipeline;
    final double baseSeconds;
    final double secondsPerLeasedToken;
    double seconds;
    Heap heap;
    int index = -1;

    Slot(PipelineSpec p, Router.LoadModel model) {
      pipeline = p;
      baseSeconds = p.tokenSeconds();
      secondsPerLeasedToken = model.secondsPerLeasedToken(p);
    }
  }

  /** Same order as Router.pick: lower expected seconds, then smaller id. */
  private static boolean before(Slot a, Slot b) {
    if (a.seconds != b.seconds) return a.seconds < b.seconds;
    return a.pipeline.id().compareTo(b.pipeline.id()) < 0;
  }

  /** An array binary heap of slots that know their index. */
  private static final class Heap {
    final int roomClass;
    Slot[] slots = new Slot[16];
    int size;

    Heap(int roomClass) {
      this.roomClass = roomClass;
    }

    void add(Slot s) {
      if (size == slots.length) slots = Arrays.copyOf(slots, size * 2);
      slots[size] = s;
      s.heap = this;
      s.index = size++;
      up(s.index);
    }

    void remove(Slot s) {
      int i = s.index;
      Slot last = slots[--size];
      slots[size] = null;
      s.heap = null;
      s.index = -1;
      if (i < size) {
        slots[i] = last;
        last.index = i;
        up(i);
        down(last.index);
      }
    }

    void up(int i) {
      Slot x = slots[i];
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!before(x, slots[parent])) break;
        slots[i] = slots[parent];
        slots[i].index = i;
        i = parent;
      }
      slots[i] = x;
      x.index = i;
    }

    void down(int i) {
      Slot x = slots[i];
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && before(slots[child + 1], slots[child])) child++;
        if (!before(slots[child], x)) break;
        slots[i] = slots[child];
        slots[i].index = i;
        i = child;
      }
      slots[i] = x;
      x.index = i;
    }
  }

  private final Leases leases = new Leases();
  private final Map<String, Slot> slots = new HashMap<>();
  /** Ready pipelines by room class ({@link #roomClass}); null until a class is first used. */
  private final Heap[] byRoom = new Heap[CLASSES];
  /** Bit c set when byRoom[c] is not empty. */
  private final long[] nonEmpty = new long[(CLASSES + 63) / 64];
  private int ready;
  private final Router.LoadModel model;

  /** Ordered as {@link Router#pick} with the queue model of this batch width. */
  public RoutingIndex(int batchWidth) {
    this(Router.queue(batchWidth));
  }

  public RoutingIndex(Router.LoadModel model) {
    this.model = model;
  }

  /** Adds or replaces a pipeline (its state decides whether it is routable). */
  public void put(PipelineSpec p) {
    Slot old = slots.get(p.id());
    if (old != null) unindex(old);
    Slot slot = new Slot(p, model);
    slots.put(p.id(), slot);
    index(slot);
  }

  public void remove(String pipelineId) {
    Slot old = slots.remove(pipelineId);
    if (old != null) unindex(old);
  }

  /** True if the pipeline is known and can take {@code tokens} more context now. */
  public boolean hasRoom(String pipelineId, long tokens) {
    Slot s = slots.get(pipelineId);
    return s != null && Router.hasRoom(s.pipeline, leases, tokens);
  }

  /** Routes one sequence and leases room for it, or empty when no ready pipeline has room. */
  public Optional<Lease> acquire(long tokens) {
    int own = roomClass(tokens);
    Slot chosen = null;
    // Every pipeline in a higher class has room for it: only each heap's best competes.
    for (int c = nextNonEmpty(own + 1); c >= 0; c = nextNonEmpty(c + 1)) {
      Slot top = byRoom[c].slots[0];
      if (chosen == null || before(top, chosen)) chosen = top;
    }
    if (byRoom[own] != null) chosen = bestFitting(byRoom[own], tokens, chosen);
    if (chosen == null) return Optional.empty();
    return Optional.of(acquireOn(chosen.pipeline.id(), tokens));
  }

  /** Leases room on a named pipeline (e.g. a baseline policy's own choice). */
  public Lease acquireOn(String pipelineId, long tokens) {
    Lease lease = leases.acquire(pipelineId, tokens);
    Slot slot = slots.get(pipelineId);
    if (slot != null) reindex(slot);
    return lease;
  }

  public void release(Lease lease) {
    leases.release(lease);
    Slot slot = slots.get(lease.pipelineId());
    if (slot != null) reindex(slot);
  }

  public Leases leases() {
    return leases;
  }

  public int readyCount() {
    return ready;
  }

  // ---- room classes ----

  /** Classes 0..7 are rooms 0..7 exactly (negative counts as 0); above, eight per doubling. */
  static final int CLASSES = 8 + 8 * 61;

  static int roomClass(long room) {
    if (room < 8) return (int) Math.max(0, room);
    int exponent = 63 - Long.numberOfLeadingZeros(room);
    int mantissa = (int) ((room >>> (exponent - 3)) & 7);
    return 8 + (exponent - 3) * 8 + mantissa;
  }

  private int nextNonEmpty(int from) {
    for (int word = from >>> 6; word < nonEmpty.length; word++) {
      long bits = word == from >>> 6 ? nonEmpty[word] & (-1L << (from & 63)) : nonEmpty[word];
      if (bits != 0) return (word << 6) + Long.numberOfTrailingZeros(bits);
    }
    return -1;
  }

  /**
   * The best slot of the heap (visited best first) that fits {@code tokens} and comes before
   * {@code better}; else {@code better}.
   */
  private Slot bestFitting(Heap heap, long tokens, Slot better) {
    if (heap.size == 0) return better;
    List<Integer> frontier = new ArrayList<>();
    frontier.add(0);
    while (!frontier.isEmpty()) {
      int best = 0;
      for (int i = 1; i < frontier.size(); i++)
        if (before(heap.slots[frontier.get(i)], heap.slots[frontier.get(best)])) best = i;
      int at = frontier.remove(best);
      Slot s = heap.slots[at];
      if (better != null && !before(s, better)) return better;
      if (Router.hasRoom(s.pipeline, leases, tokens)) return s;
      if (2 * at + 1 < heap.size) frontier.add(2 * at + 1);
      if (2 * at + 2 < heap.size) frontier.add(2 * at + 2);
    }
    return better;
  }

  private Heap heapFor(PipelineSpec p, long leased) {
    int c = roomClass(p.tokenCapacity() - leased);
    if (byRoom[c] == null) byRoom[c] = new Heap(c);
    return byRoom[c];
  }

  private double seconds(Slot slot, long leased) {
    return slot.baseSeconds + leased * slot.secondsPerLeasedToken;
  }

  private void add(Heap heap, Slot slot) {
    heap.add(slot);
    int c = heap.roomClass;
    nonEmpty[c >>> 6] |= 1L << (c & 63);
  }

  private void take(Slot slot) {
    Heap heap = slot.heap;
    heap.remove(slot);
    if (heap.size == 0) {
      int c = heap.roomClass;
      nonEmpty[c >>> 6] &= ~(1L << (c & 63));
    }
  }

  private void index(Slot slot) {
    PipelineSpec p = slot.pipeline;
    if (p.state() != PipelineState.READY) return;
    long leased = leases.leasedTokens(p.id());
    slot.seconds = seconds(slot, leased);
    add(heapFor(p, leased), slot);
    ready++;
  }

  /** Re-keys a slot after its leases changed: moved in place, or across heaps. */
  private void reindex(Slot slot) {
    if (slot.heap == null) return;
    PipelineSpec p = slot.pipeline;
    long leased = leases.leasedTokens(p.id());
    Heap target = heapFor(p, leased);
    double seconds = seconds(slot, leased);
    if (target != slot.heap) {
      take(slot);
      slot.seconds = seconds;
      add(target, slot);
      return;
    }
    slot.seconds = seconds;
    slot.heap.up(slot.index);
    slot.heap.down(slot.index);
  }

  private void unindex(Slot slot) {
    if (slot.heap != null) {
      take(slot);
      ready--;
    }
  }
}
