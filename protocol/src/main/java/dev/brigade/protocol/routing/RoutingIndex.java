package dev.brigade.protocol.routing;

import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@link Router}'s choice kept incrementally for thousands of pipelines: ready pipelines sit
 * in a tree ordered by {@link Router#expectedSeconds}, re-keyed whenever one of their leases
 * changes, so a pick is O(log n) instead of a scan. Pipelines with at least {@code
 * typicalTokens} of room are kept apart from the nearly full ones, so a request up to that size
 * takes the best roomy pipeline unless one of the first {@value #TIGHT_LOOKS} better-scored
 * nearly full ones still fits it: with that many or fewer nearly full pipelines the answer is
 * exactly {@link Router#pick}'s. Larger requests scan in order. Not thread-safe.
 */
public final class RoutingIndex {
  static final int TIGHT_LOOKS = 8;

  private record Entry(double seconds, String id) {}

  /** Same order as Router.pick: lower expected seconds, then smaller id. */
  private static final Comparator<Entry> ORDER = (a, b) -> {
    int c = Double.compare(a.seconds, b.seconds);
    return c != 0 ? c : a.id.compareTo(b.id);
  };

  /** A pipeline with its routing figures computed once. */
  private static final class Slot {
    final PipelineSpec pipeline;
    final double baseSeconds;
    final double bottleneckSeconds;
    Entry entry;

    Slot(PipelineSpec p) {
      pipeline = p;
      baseSeconds = p.tokenSeconds();
      bottleneckSeconds = p.bottleneckSeconds();
    }
  }

  private final Leases leases = new Leases();
  private final Map<String, Slot> slots = new HashMap<>();
  /** Ready pipelines with at least typicalTokens of room. */
  private final TreeSet<Entry> roomy = new TreeSet<>(ORDER);
  /** Ready pipelines with less room than that. */
  private final TreeSet<Entry> tight = new TreeSet<>(ORDER);
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
    Entry chosen = null;
    if (tokens <= typicalTokens) {
      chosen = roomy.isEmpty() ? null : roomy.first();
      // A tight pipeline may still beat the best roomy one for this request.
      int looks = 0;
      for (Entry e : tight) {
        if (++looks > TIGHT_LOOKS || (chosen != null && ORDER.compare(e, chosen) > 0)) break;
        if (Router.hasRoom(slots.get(e.id()).pipeline, leases, tokens)) {
          chosen = e;
          break;
        }
      }
    } else {
      chosen = firstWithRoom(roomy, tokens, null);
      chosen = firstWithRoom(tight, tokens, chosen);
    }
    if (chosen == null) return Optional.empty();
    return Optional.of(acquireOn(chosen.id(), tokens));
  }

  /** Leases room on a named pipeline (e.g. a baseline policy's own choice). */
  public Lease acquireOn(String pipelineId, long tokens) {
    Slot slot = slots.get(pipelineId);
    if (slot != null) unindex(slot);
    Lease lease = leases.acquire(pipelineId, tokens);
    if (slot != null) index(slot);
    return lease;
  }

  public void release(Lease lease) {
    Slot slot = slots.get(lease.pipelineId());
    if (slot != null) unindex(slot);
    leases.release(lease);
    if (slot != null) index(slot);
  }

  public Leases leases() {
    return leases;
  }

  public int readyCount() {
    return roomy.size() + tight.size();
  }

  private Entry firstWithRoom(TreeSet<Entry> set, long tokens, Entry better) {
    for (Entry e : set) {
      if (better != null && ORDER.compare(e, better) > 0) return better;
      if (Router.hasRoom(slots.get(e.id()).pipeline, leases, tokens)) return e;
    }
    return better;
  }

  private void index(Slot slot) {
    PipelineSpec p = slot.pipeline;
    if (p.state() != PipelineState.READY) return;
    long leased = leases.leasedTokens(p.id());
    Entry e = new Entry(slot.baseSeconds + leased * slot.bottleneckSeconds / batchWidth, p.id());
    slot.entry = e;
    if (leased + typicalTokens <= p.tokenCapacity()) roomy.add(e);
    else tight.add(e);
  }

  private void unindex(Slot slot) {
    Entry e = slot.entry;
    slot.entry = null;
    if (e != null && !roomy.remove(e)) tight.remove(e);
  }
}
