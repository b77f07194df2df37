package dev.brigade.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.ProtocolVersion;
import dev.brigade.protocol.control.NodeRecord;
import dev.brigade.protocol.control.Register;
import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.Qwen3Shapes;
import dev.brigade.scheduler.plan.AllocatorConfig;
import dev.brigade.scheduler.plan.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Workers that register while a scheduler is still taking over are in the node table before the
 * scheduler restores from it; they must still be planned into pipelines.
 */
class PlacementRestoreTest {
  private static final ModelShape SHAPE = Qwen3Shapes.preset("qwen3-0.6b");
  private static final long NODE_MEMORY = 8L << 30;

  @Test
  void nodesRegisteredBeforeTheTakeoverAreAllocatedAtTheNextPlan() {
    Placement placement = new Placement(SHAPE, AllocatorConfig.DEFAULT);
    List<NodeRecord> live = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      NodeRecord n = node("worker-" + i);
      live.add(n);
      placement.join(n); // registered before the restore
    }

    List<Transition> repairs = placement.restore(live, List.of());
    List<Transition> planned = placement.plan();

    assertTrue(repairs.isEmpty(), "nothing to repair in a cluster without pipelines");
    assertFalse(planned.isEmpty(), "the registered nodes must form pipelines");
    assertTrue(planned.stream().allMatch(t -> t.kind() == Transition.Kind.FORM), planned.toString());
  }

  private static NodeRecord node(String id) {
    Register r = new Register(ProtocolVersion.CURRENT, "token", id, "member-" + id, NODE_MEMORY,
        1e-3, "cpu", "test");
    return NodeRecord.joined(r, 0L);
  }
}
