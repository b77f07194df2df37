package dev.brigade.protocol.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * In-flight accounting per pipeline: every routed sequence holds a lease until it finishes.
 * Release is idempotent, so a finish and a failover racing to release the same lease count
 * once. Not thread-safe: use it from one thread or event-loop context.
 */
public final class Leases {
  private final Map<String, long[]> perPipeline = new HashMap<>(); // {sequences, tokens}
  private final LongSet open = new LongSet();
  private long nextId = 1;

  public Lease acquire(String pipelineId, long tokens) {
    if (tokens < 0) throw new IllegalArgumentException("negative lease tokens: " + tokens);
    Lease lease = new Lease(nextId++, pipelineId, tokens);
    open.add(lease.id());
    long[] counts = perPipeline.computeIfAbsent(pipelineId, id -> new long[2]);
    counts[0]++;
    counts[1] += tokens;
    return lease;
  }

  /** Returns the lease's room to its pipeline; false if it was already released. */
  public boolean release(Lease lease) {
    if (!open.remove(lease.id())) return false;
    long[] counts = perPipeline.get(lease.pipelineId());
    counts[0]--;
    counts[1] -= lease.tokens();
    if (counts[0] == 0) perPipeline.remove(lease.pipelineId());
    return true;
  }

  /** Sequences holding a lease on the pipeline. */
  public int inFlight(String pipelineId) {
    long[] counts = perPipeline.get(pipelineId);
    return counts == null ? 0 : (int) counts[0];
  }

  /** Context tokens leased on the pipeline. */
  public long leasedTokens(String pipelineId) {
    long[] counts = perPipeline.get(pipelineId);
    return counts == null ? 0 : counts[1];
  }

  public int openLeases() {
    return open.size();
  }
}
