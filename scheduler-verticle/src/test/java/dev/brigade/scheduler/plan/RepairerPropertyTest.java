package dev.brigade.scheduler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Plan;
import dev.brigade.protocol.plan.Qwen3Shapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random join/leave sequences: after every event the fleet's pipelines stay valid. */
class RepairerPropertyTest {
  private static final AllocatorConfig CONFIG = new AllocatorConfig(16_384, 2.0, 12.5e6, 16);

  @Test
  void randomChurnKeepsEveryPipelineValidAndIsDeterministic() {
    Random seeds = new Random(42);
    for (int c = 0; c < 40; c++) {
      long seed = seeds.nextLong();
      Plan first = run(seed, c);
      assertEquals(first, run(seed, c), "case " + c + ": same events give the same fleet");
    }
  }

  private static Plan run(long seed, int c) {
    Random rng = new Random(seed);
    ModelShape shape = Qwen3Shapes.preset(c % 2 == 0 ? "qwen3-32b-fp8" : "qwen3-8b");
    List<NodeSpec> nodes = Fleets.random(rng, 5 + rng.nextInt(60), "n");
    List<Transition> ts = new ArrayList<>();
    Fleet fleet = Fleet.allocate(shape, CONFIG, nodes, Allocator.KRule.BEST, ts);
    List<String> alive = new ArrayList<>();
    for (NodeSpec n : nodes) alive.add(n.nodeId());
    int next = 0;
    for (int e = 0; e < 200; e++) {
      if (!alive.isEmpty() && rng.nextBoolean()) {
        ts = Repairer.leave(fleet, alive.remove(rng.nextInt(alive.size())));
      } else {
        NodeSpec n = Fleets.randomNode(rng, "j" + next++);
        alive.add(n.nodeId());
        ts = Repairer.join(fleet, n);
      }
      for (Transition t : ts) if (t.kind() != Transition.Kind.BREAK && rng.nextInt(3) > 0) fleet.markReady(t.pipeline().id());
      check(fleet, shape, alive, "case " + c + " event " + e);
    }
    return fleet.snapshot();
  }

  private static void check(Fleet fleet, ModelShape shape, List<String> alive, String where) {
    Map<String, NodeSpec> byId = new HashMap<>();
    for (String id : alive) byId.put(id, fleet.node(id));
    Set<String> seen = new HashSet<>();
    for (PipelineSpec p : fleet.pipelines()) {
      if (p.state() == PipelineState.BROKEN) {
        for (String id : p.nodeIds()) if (byId.containsKey(id)) assertTrue(seen.add(id), where + ": " + id + " twice");
        continue;
      }
      assertTrue(!fleet.brokenPipelines().contains(p.id()), where);
      Fleets.assertPipelineValid(p, shape, CONFIG, byId, seen);
      for (String id : p.nodeIds()) assertEquals(p.id(), fleet.pipelineOf(id), where);
    }
    for (String id : fleet.snapshot().standby()) assertTrue(seen.add(id), where + ": standby " + id + " also serves");
    assertEquals(byId.keySet(), seen, where + ": every live node is placed");
  }
}
