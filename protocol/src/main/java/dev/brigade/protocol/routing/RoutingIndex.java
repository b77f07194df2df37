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
  private record Entry(double seconds, String id) {}

  private static final Comparator<Entry> ORDER =
      Comparator.comparingDouble(Entry::seconds).thenComparing(Entry::id);

  static final int TIGHT_LOOKS = 8;

  private final Leases leases = new Leases();
  private final Map<String, PipelineSpec> pipelines = new HashMap<>();
  private final Map<String, Entry> entries = new HashMap<>();
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
    unindex(p.id());
    pipelines.put(p.id(), p);
    index(p);
  }

  public void remove(String pipelineId) {
    unindex(pipelineId);
    pipelines.remove(pipelineId);
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
        if (Router.hasRoom(pipelines.get(e.id()), leases, tokens)) {
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
    unindex(pipelineId);
    Lease lease = leases.acquire(pipelineId, tokens);
    PipelineSpec p = pipelines.get(pipelineId);
    if (p != null) index(p);
    return lease;
  }

  public void release(Lease lease) {
    unindex(lease.pipelineId());
    leases.release(lease);
    PipelineSpec p = pipelines.get(lease.pipelineId());
    if (p != null) index(p);
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
      if (Router.hasRoom(pipelines.get(e.id()), leases, tokens)) return e;
    }
    return better;
  }

  private void index(PipelineSpec p) {
    if (p.state() != PipelineState.READY) return;
    Entry e = new Entry(Router.expectedSeconds(p, leases.leasedTokens(p.id()), batchWidth), p.id());
    entries.put(p.id(), e);
    if (Router.hasRoom(p, leases, typicalTokens)) roomy.add(e);
    else tight.add(e);
  }

  private void unindex(String pipelineId) {
    Entry e = entries.remove(pipelineId);
    if (e != null && !roomy.remove(e)) tight.remove(e);
  }
}
