package dev.brigade.protocol.plan;

/** Life of a pipeline: loading -> ready -> (broken -> loading -> ready)* -> draining -> gone. */
public enum PipelineState {
  /** Assigned; some stage is still loading its slice. Not routable. */
  LOADING,
  /** Every stage has its slice loaded. Routable. */
  READY,
  /** A stage's node left and no replacement is loaded yet. Not routable. */
  BROKEN,
  /** Finishing its sequences; takes no new ones. */
  DRAINING
}
