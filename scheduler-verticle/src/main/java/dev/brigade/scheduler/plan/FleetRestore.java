package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Stage;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds a {@link Fleet} from the state a previous scheduler published (a standby scheduler
 * taking over): live nodes, and the pipelines with any stage whose node is gone recorded as a
 * gap, so the next join repairs them. New pipeline ids continue after the highest one seen.
 */
public final class FleetRestore {
  private FleetRestore() {}

  public static Fleet restore(
      ModelShape shape, AllocatorConfig config, List<NodeSpec> liveNodes, List<PipelineSpec> pipelines) {
    Fleet fleet = new Fleet(shape, config);
    for (NodeSpec n : liveNodes) {
      fleet.addStandby(n);
    }
    for (PipelineSpec p : pipelines) {
      Set<String> missing = new TreeSet<>();
      for (Stage s : p.stages()) {
        if (fleet.nodes.get(s.nodeId()) == null) {
          missing.add(s.nodeId());
        }
      }
      PipelineSpec installed = missing.isEmpty() || p.state() == PipelineState.BROKEN
          ? p : p.withState(PipelineState.BROKEN);
      fleet.install(installed);
      if (!missing.isEmpty()) {
        fleet.gaps.put(p.id(), missing);
      }
      fleet.skipPastId(p.id());
    }
    return fleet;
  }
}
