package dev.brigade.scheduler.plan;

import static dev.brigade.scheduler.plan.Fleets.GB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.Plan;
import dev.brigade.protocol.plan.Qwen3Shapes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocatorTest {
  private static final ModelShape FP8_32B = Qwen3Shapes.preset("qwen3-32b-fp8");
  private static final AllocatorConfig CONFIG = AllocatorConfig.DEFAULT;

  @Test
  void oneLargeNodeHoldsTheWholeModelInOneStage() {
    List<NodeSpec> nodes = List.of(NodeSpec.of("h100", 80 * GB, 2e-4));
    Plan plan = Allocator.allocate(FP8_32B, nodes);
    assertEquals(1, plan.pipelines().size());
    PipelineSpec p = plan.pipelines().getFirst();
    assertEquals(1, p.stages().size());
    assertEquals(0, p.head().start());
    assertEquals(64, p.head().end());
    assertTrue(plan.standby().isEmpty());
    Fleets.assertValid(plan, FP8_32B, CONFIG, nodes);
  }

  @Test
  void fleetTooSmallForOnePipelinePutsEveryoneOnStandby() {
    List<NodeSpec> nodes = List.of(NodeSpec.of("a", 10 * GB, 1e-3), NodeSpec.of("b", 12 * GB, 1e-3));
    Plan plan = Allocator.allocate(FP8_32B, nodes);
    assertEquals(0, plan.pipelines().size());
    assertEquals(List.of("a", "b"), plan.standby());
  }

  @Test
  void twoNodesSplitTheModelWithTheLargerAtTheHead() {
    List<NodeSpec> nodes = List.of(NodeSpec.of("small", 20 * GB, 1e-3), NodeSpec.of("big", 24 * GB, 1e-3));
    Plan plan = Allocator.allocate(FP8_32B, nodes);
    assertEquals(1, plan.pipelines().size());
    PipelineSpec p = plan.pipelines().getFirst();
    assertEquals(List.of("big", "small"), p.nodeIds());
    Fleets.assertValid(plan, FP8_32B, CONFIG, nodes);
  }

  @Test
  void layersFollowMeasuredSpeedWhenMemoryAllows() {
    // Both nodes could hold every layer; the one twice as fast gets about twice the layers.
    ModelShape small = Qwen3Shapes.preset("qwen3-0.6b");
    List<NodeSpec> nodes = new ArrayList<>(List.of(NodeSpec.of("fast", 3 * GB, 1e-4), NodeSpec.of("slow", 3 * GB, 2e-4)));
    Capacity capacity = new Capacity(small, CONFIG);
    PipelineSpec p = new PipelineBuilder(capacity, CONFIG)
        .build("p", nodes, dev.brigade.protocol.plan.PipelineState.LOADING);
    int fast = p.stages().stream().filter(s -> s.nodeId().equals("fast")).findFirst().orElseThrow().layers();
    int slow = p.stages().stream().filter(s -> s.nodeId().equals("slow")).findFirst().orElseThrow().layers();
    assertEquals(28, fast + slow);
    assertTrue(Math.abs(fast - 2 * slow) <= 2, "fast " + fast + " slow " + slow);
  }

  @Test
  void waterFillingRespectsMemoryCaps() {
    // The fast node is small: it is filled to its cap, the slow node takes the rest.
    List<NodeSpec> nodes = List.of(NodeSpec.of("slowBig", 32 * GB, 1e-3), NodeSpec.of("fastSmall", 8 * GB, 1e-5));
    Plan plan = Allocator.allocate(FP8_32B, nodes);
    assertEquals(1, plan.pipelines().size());
    PipelineSpec p = plan.pipelines().getFirst();
    Capacity capacity = new Capacity(FP8_32B, CONFIG);
    assertEquals(capacity.layers(nodes.get(1), Role.TAIL), p.tail().layers());
    Fleets.assertValid(plan, FP8_32B, CONFIG, nodes);
  }

  @Test
  void manyEqualNodesMakeManyPipelines() {
    List<NodeSpec> nodes = new ArrayList<>();
    for (int i = 0; i < 10; i++) nodes.add(NodeSpec.of("n" + i, 24 * GB, 5e-4));
    Plan plan = Allocator.allocate(FP8_32B, nodes);
    assertEquals(5, plan.pipelines().size());
    Fleets.assertValid(plan, FP8_32B, CONFIG, nodes);
  }

  @Test
  void aLatencyCeilingKeepsTooSlowNodesOnStandby() {
    List<NodeSpec> nodes = List.of(NodeSpec.of("cpu", 64 * GB, 6e-3), NodeSpec.of("gpu", 80 * GB, 2e-4));
    Plan strict = Allocator.allocate(FP8_32B, nodes, CONFIG.withMaxTokenSeconds(0.25), Allocator.KRule.BEST, 1);
    assertEquals(1, strict.pipelines().size());
    assertEquals(List.of("gpu"), strict.pipelines().getFirst().nodeIds());
    assertEquals(List.of("cpu"), strict.standby());
    assertEquals(2, Allocator.allocate(FP8_32B, nodes).pipelines().size(), "no ceiling by default");
  }

  @Test
  void duplicateNodeIdsAreRefused() {
    List<NodeSpec> nodes = List.of(NodeSpec.of("a", 80 * GB, 1e-3), NodeSpec.of("a", 80 * GB, 1e-3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Allocator.allocate(FP8_32B, nodes));
    assertTrue(e.getMessage().contains("duplicate node id a"));
  }

  @Test
  void parallaxRulePicksKMaximisingKSquaredOverStages() {
    // k=1: 1/1, k=2: 4/2=2, k=3: 9/6=1.5 -> 2
    assertEquals(2, ParallaxRule.chooseK(new int[] {1, 1, 4}));
    // k=3: 9/3=3 beats 1 and 2
    assertEquals(3, ParallaxRule.chooseK(new int[] {1, 1, 1}));
    assertEquals(0, ParallaxRule.chooseK(new int[0]));
  }
}
