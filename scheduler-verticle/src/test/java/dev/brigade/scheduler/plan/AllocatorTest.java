package dev.brigade.scheduler.plan;

import static dev.brigade.scheduler.plan.Fleets.GB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.Stage;
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
    // Both nodes could hold every layer, and the mid-memory node is the tail. Stage times come
    // out equal within one layer: without a head, the one twice as fast would get about twice
    // the layers.
    ModelShape small = Qwen3Shapes.preset("qwen3-0.6b");
    List<NodeSpec> nodes = new ArrayList<>(List.of(
        NodeSpec.of("fast", 4 * GB, 1e-4), NodeSpec.of("slow", 3 * GB, 2e-4)));
    PipelineSpec p = new PipelineBuilder(new Capacity(small, CONFIG), CONFIG)
        .build("p", nodes, dev.brigade.protocol.plan.PipelineState.LOADING);
    assertEquals(List.of("fast", "slow"), p.nodeIds());
    assertEquals(28, p.stages().get(0).layers() + p.stages().get(1).layers());
    double head = p.stages().get(0).tokenSeconds();
    double tail = p.stages().get(1).tokenSeconds();
    assertTrue(Math.abs(head - tail) <= 2e-4, "head " + p.stages().get(0) + " tail " + p.stages().get(1));
  }

  @Test
  void theTailTakesFewerLayersForItsLmHead() {
    // Qwen3-0.6B's tied lm_head reads about 10 layers' worth of weights a token: with two equal
    // nodes the tail holds about 10 layers fewer than the head, and the stages take equal time.
    ModelShape small = Qwen3Shapes.preset("qwen3-0.6b");
    double headLayers = small.headBytes() / (double) small.layerWeightBytes();
    assertTrue(headLayers > 9 && headLayers < 11, "head in layers: " + headLayers);
    List<NodeSpec> nodes = List.of(NodeSpec.of("a", 3 * GB, 1e-4), NodeSpec.of("b", 3 * GB, 1e-4));
    PipelineSpec p = new PipelineBuilder(new Capacity(small, CONFIG), CONFIG)
        .build("p", nodes, dev.brigade.protocol.plan.PipelineState.LOADING);
    int first = p.stages().get(0).layers();
    int last = p.stages().get(1).layers();
    assertEquals(28, first + last);
    assertTrue(Math.abs(first - (last + headLayers)) <= 1, "head " + first + " tail " + last);
    // Past the point where the tail would hold none, it keeps its one layer.
    List<NodeSpec> four = List.of(NodeSpec.of("a", 3 * GB, 1e-4), NodeSpec.of("b", 3 * GB, 1e-4),
        NodeSpec.of("c", 3 * GB, 1e-4), NodeSpec.of("d", 3 * GB, 1e-4));
    PipelineSpec q = new PipelineBuilder(new Capacity(small, CONFIG), CONFIG)
        .build("q", four, dev.brigade.protocol.plan.PipelineState.LOADING);
    assertEquals(List.of(9, 9, 9, 1), q.stages().stream().map(Stage::layers).toList());
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
