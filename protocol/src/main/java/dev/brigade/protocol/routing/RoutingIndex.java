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
 * {@link Router}'s choice kept incrementally for thousands of pipelines: ready pipelines sit in
 * binary heaps ordered by {@link Router#expectedSeconds} (then id), moved in place whenever one
 * of their leases changes, so a pick is O(log n) instead of a scan. Pipelines with at least
 * {@code typicalTokens} of room are kept apart from the nearly full ones, so a request up to
 * that size takes the best roomy pipeline unless one of the {@value #TIGHT_LOOKS} best nearly
 * full ones is better and still fits it: with that many or fewer nearly full pipelines the
 * answer is exactly {@link Router#pick}'s. Larger requests search both heaps best first. Not
 * thread-safe.
 */
public final class RoutingIndex {
  static final int TIGHT_LOOKS = 8;

  /** A pipeline with its routing figures computed once and its place in a heap. */
  private static final class Slot {
    final PipelineSpec pipeline;
    final double baseSeconds;
    final double bottleneckSeconds;
    double seconds;
    Heap heap;
    int index = -1;

    Slot(PipelineSpec p) {
      pipeline = p;
      baseSeconds = p.tokenSeconds();
      bottleneckSeconds = p.bottleneckSeconds();
    }
  }

  /** Same order as Router.pick: lower expected seconds, then smaller id. */
  private static boolean before(Slot a, Slot b) {
    if (a.seconds != b.seconds) return a.seconds < b.seconds;
    return a.pipeline.id().compareTo(b.pipeline.id()) < 0;
  }

  /** An array binary heap of slots that know their index. */
  private static final class Heap {
    Slot[] slots = new Slot[16];
    int size;

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
  /** Ready pipelines with at least typicalTokens of room. */
  private final Heap roomy = new Heap();
  /** Ready pipelines with less room than that. */
  private final Heap tight = new Heap();
  private final long typicalTokens;
  private final int batchWidth;

  public RoutingIndex(long typicalTokens, int batchWidth) {
    this.typicalTokens = typicalTokens;
    this.batchWidth = batchWidth;
  }

  /** Adds or replaces a pipeline (its state decides whether it is routable). */
  public void put(PipelineSpec p) {
    Slot old = slots.get(p.id());
    if (old != null) unindex(old);
    Slot slot = new Slot(p);
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
    Slot chosen;
    if (tokens <= typicalTokens) {
      chosen = roomy.size == 0 ? null : roomy.slots[0];
      chosen = bestFitting(tight, tokens, TIGHT_LOOKS, chosen);
    } else {
      chosen = bestFitting(roomy, tokens, Integer.MAX_VALUE, null);
      chosen = bestFitting(tight, tokens, Integer.MAX_VALUE, chosen);
    }
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
    return roomy.size + tight.size;
  }

  /**
   * The best slot of the heap (visited best first, at most {@code limit} of them) that fits
   * {@code tokens} and comes before {@code better}; else {@code better}.
   */
  private Slot bestFitting(Heap heap, long tokens, int limit, Slot better) {
    if (heap.size == 0) return better;
    List<Integer> frontier = new ArrayList<>();
    frontier.add(0);
    for (int looks = 0; looks < limit && !frontier.isEmpty(); looks++) {
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

  private void index(Slot slot) {
    PipelineSpec p = slot.pipeline;
    if (p.state() != PipelineState.READY) return;
    long leased = leases.leasedTokens(p.id());
    slot.seconds = slot.baseSeconds + leased * slot.bottleneckSeconds / batchWidth;
    (leased + typicalTokens <= p.tokenCapacity() ? roomy : tight).add(slot);
  }

  /** Re-keys a slot after its leases changed: moved in place, or across heaps. */
  private void reindex(Slot slot) {
    if (slot.heap == null) return;
    PipelineSpec p = slot.pipeline;
    long leased = leases.leasedTokens(p.id());
    Heap target = leased + typicalTokens <= p.tokenCapacity() ? roomy : tight;
    double seconds = slot.baseSeconds + leased * slot.bottleneckSeconds / batchWidth;
    if (target != slot.heap) {
      slot.heap.remove(slot);
      slot.seconds = seconds;
      target.add(slot);
      return;
    }
    slot.seconds = seconds;
    slot.heap.up(slot.index);
    slot.heap.down(slot.index);
  }

  private void unindex(Slot slot) {
    if (slot.heap != null) slot.heap.remove(slot);
  }
}
