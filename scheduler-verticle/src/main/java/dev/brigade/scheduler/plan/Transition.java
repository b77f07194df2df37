package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.PipelineSpec;
import java.util.List;

/**
 * One change the scheduler must carry out, as data.
 *
 * @param pipeline the pipeline after the change (for DISSOLVE, as it was)
 * @param loadNodes nodes that must load a (new) slice before the pipeline can be ready
 * @param freedNodes nodes that went back to standby
 */
public record Transition(Kind kind, PipelineSpec pipeline, List<String> loadNodes, List<String> freedNodes) {

  public enum Kind {
    /** A new pipeline: every stage loads, then it is ready. */
    FORM,
    /** A broken pipeline got replacement nodes (or a re-split); the listed nodes load. */
    REPAIR,
    /** A stage's node left and no standby node can stand in yet; the pipeline waits. */
    BREAK,
    /** The pipeline is gone; its surviving nodes are on standby. */
    DISSOLVE,
    /** Stop routing to the pipeline; dissolve it when its sequences finish. */
    DRAIN
  }

  public Transition {
    loadNodes = List.copyOf(loadNodes);
    freedNodes = List.copyOf(freedNodes);
  }
}
