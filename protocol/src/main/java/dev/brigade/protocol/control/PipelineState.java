package dev.brigade.protocol.control;

/** A pipeline's life: its stages load, it serves, and on a re-plan it drains away. */
public enum PipelineState {
  /** Some stage has not reported its slice loaded yet; not routable. */
  LOADING,
  /** Every stage loaded; gateways route to it. */
  READY,
  /** Replaced by a re-plan, or a stage was lost and no spare can fill it; not routable. */
  BROKEN,
  /** Replaced by a re-plan; running sequences finish, new ones go elsewhere. */
  DRAINING
}
