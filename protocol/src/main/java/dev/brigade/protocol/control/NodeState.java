package dev.brigade.protocol.control;

/** Where a worker stands in the scheduler's eyes. */
public enum NodeState {
  /** Registered; the scheduler has not placed it yet. */
  JOINING,
  /** Spare: waits until it can repair a broken pipeline or form a new one with others. */
  STANDBY,
  /** Told to load a slice; not yet confirmed. */
  LOADING,
  /** Its slice is loaded and serving. */
  READY,
  /** Its pipeline is being replaced; it finishes what it runs, then unloads. */
  DRAINING,
  /** Left the cluster or missed its heartbeats. */
  GONE
}
