package dev.brigade.scheduler.simulation;

import dev.brigade.protocol.routing.Lease;

/** One simulated request's life: queued, prefilling, decoding on a pipeline, done. */
final class Request {
  final long id;
  final double arrival;
  final int prompt;
  final int output;
  /** Tokens already streamed to the caller (kept across a failover). */
  int generated;
  double firstTokenAt = Double.NaN;
  int failovers;
  /** When it started waiting in the queue (for the timeout). */
  double queuedAt;

  PipelineRun run;
  /** Index in run's member list (for O(1) removal). */
  int slot = -1;
  Lease lease;
  /** Bumped whenever the request leaves a pipeline, so stale prefill events are ignored. */
  int epoch;
  boolean decoding;
  /** Pipeline progress at which it finishes, and at which it joined the decode batch. */
  double finishKey;
  double joinedAt;
  /** Context tokens counted for KV reads while decoding (prompt + half the output). */
  double context;

  Request(long id, double arrival, int prompt, int output) {
    this.id = id;
    this.arrival = arrival;
    this.prompt = prompt;
    this.output = output;
  }

  boolean streaming() {
    return generated > 0;
  }

  /** KV room the request needs by its end. */
  long tokens() {
    return (long) prompt + output;
  }
}
