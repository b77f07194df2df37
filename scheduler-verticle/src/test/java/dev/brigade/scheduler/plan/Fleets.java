package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.Plan;
import dev.brigade.protocol.plan.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random fleets and the invariants every plan must keep. */
final class Fleets {
  static final long GB = 1_000_000_000L;
  private static final String[] REGIONS = {"eu", "us", "asia"};
  private static final double[][] COORDS = {{50, 8}, {40, -74}, {35, 139}};

  private Fleets() {}

  static List<NodeSpec> random(Random rng, int n, String prefix) {
    List<NodeSpec> nodes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) nodes.add(randomNode(rng, prefix + i));
    return nodes;
  }

  static NodeSpec randomNode(Random rng, String id) {
    int r = rng.nextInt(REGIONS.length);
    long memory = (long) ((1 + rng.nextDouble() * 89) * GB);
    double layerSeconds = 1e-4 + rng.nextDouble() * 4e-3;
    return new NodeSpec(id, memory, layerSeconds, 0, 0, REGIONS[r],
        COORDS[r][0] + rng.nextDouble(), COORDS[r][1] + rng.nextDouble());
  }

  /** Every pipeline covers [0, L) contiguously, fits memory, and no node serves twice. */
  static void assertValid(Plan plan, ModelShape shape, AllocatorConfig config, List<NodeSpec> nodes) {
    Map<String, NodeSpec> byId = new HashMap<>();
    for (NodeSpec n : nodes) byId.put(n.nodeId(), n);
    Set<String> seen = new HashSet<>();
    for (PipelineSpec p : plan.pipelines()) assertPipelineValid(p, shape, config, byId, seen);
    for (String s : plan.standby()) assertTrue(seen.add(s), "standby node also used: " + s);
    assertEquals(byId.keySet(), seen, "every node is in a pipeline or on standby");
  }

  static void assertPipelineValid(
      PipelineSpec p, ModelShape shape, AllocatorConfig config, Map<String, NodeSpec> byId, Set<String> seen) {
    Capacity capacity = new Capacity(shape, config);
    int next = 0;
    for (int i = 0; i < p.stages().size(); i++) {
      Stage s = p.stages().get(i);
      assertEquals(next, s.start(), "contiguous ranges in " + p.id());
      assertTrue(s.end() > s.start(), "non-empty stage in " + p.id());
      next = s.end();
      NodeSpec node = byId.get(s.nodeId());
      assertTrue(node != null, "unknown node " + s.nodeId());
      assertTrue(seen.add(s.nodeId()), "node used twice: " + s.nodeId());
      Role role = Role.of(i, p.stages().size());
      long needed = capacity.requiredBytes(s.layers(), role);
      assertTrue(needed <= node.memoryBytes(),
          "memory exceeded on " + s.nodeId() + ": " + needed + " > " + node.memoryBytes());
    }
    assertEquals(shape.numLayers(), next, "every layer covered in " + p.id());
  }
}
