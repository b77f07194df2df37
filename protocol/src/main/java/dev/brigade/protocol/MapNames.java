package dev.brigade.protocol;

/** Hazelcast map names: the cluster's live state, readable in Management Center. */
public final class MapNames {
  private MapNames() {}

  /** nodeId -> node record (spec, state, slice, load) as JSON. */
  public static final String NODES = "brigade.nodes";

  /** pipelineId -> pipeline (stages, state) as JSON; gateways route from it. */
  public static final String PIPELINES = "brigade.pipelines";

  /** nodeId -> reward totals as JSON. */
  public static final String REWARDS = "brigade.rewards";

  /** The model card the scheduler publishes: name, config, tokenizer files, template. */
  public static final String MODEL = "brigade.model";

  /** Scheduler leadership (one active, others stand by). */
  public static final String SCHEDULER_LEADER = "brigade.scheduler.leader";
}
