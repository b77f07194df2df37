package dev.brigade.scheduler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.Plan;
import dev.brigade.protocol.plan.Qwen3Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hundreds of random fleets, seeded: the invariants hold and we never build fewer pipelines than Parallax. */
class AllocatorPropertyTest {
  private static final AllocatorConfig CONFIG = new AllocatorConfig(16_384, 10.0, 12.5e6, 16);
  private static final List<ModelShape> SHAPES = List.of(
      Qwen3Shapes.preset("qwen3-32b-fp8"), Qwen3Shapes.preset("qwen3-32b"),
      Qwen3Shapes.preset("qwen3-8b"), Qwen3Shapes.preset("qwen3-0.6b"));

  @Test
  void randomFleetsGiveValidPlansWithAtLeastParallaxPipelines() {
    Random rng = new Random(20261126);
    for (int c = 0; c < 400; c++) {
      ModelShape shape = SHAPES.get(rng.nextInt(SHAPES.size()));
      List<NodeSpec> nodes = Fleets.random(rng, 1 + rng.nextInt(80), "n");
      Plan plan = Allocator.allocate(shape, nodes, CONFIG, Allocator.KRule.BEST, 1);
      Fleets.assertValid(plan, shape, CONFIG, nodes);
      int reference = referenceParallaxK(shape, nodes);
      assertTrue(plan.pipelines().size() >= reference,
          "case " + c + ": " + plan.pipelines().size() + " pipelines < Parallax's " + reference
              + " for " + shape.name() + " " + nodes + " plan " + plan);

      Plan parallax = Allocator.allocate(shape, nodes, CONFIG, Allocator.KRule.PARALLAX, 1);
      Fleets.assertValid(parallax, shape, CONFIG, nodes);
      assertTrue(plan.pipelines().size() >= parallax.pipelines().size());

      List<NodeSpec> shuffled = new ArrayList<>(nodes);
      Collections.shuffle(shuffled, rng);
      assertEquals(plan, Allocator.allocate(shape, shuffled, CONFIG, Allocator.KRule.BEST, 1),
          "case " + c + ": same fleet in another order gives the same plan");
    }
  }

  /**
   * Parallax's rule over pipelines built the plain way, independent of the allocator: nodes by
   * memory descending, each pipeline filled with the next largest nodes until it holds the model.
   */
  private static int referenceParallaxK(ModelShape shape, List<NodeSpec> nodes) {
    Capacity capacity = new Capacity(shape, CONFIG);
    List<NodeSpec> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparingLong(NodeSpec::memoryBytes).reversed());
    List<Integer> stageCounts = new ArrayList<>();
    List<NodeSpec> current = new ArrayList<>();
    for (NodeSpec n : sorted) {
      current.add(n);
      if (covered(capacity, current) >= shape.numLayers()) {
        stageCounts.add(current.size());
        current = new ArrayList<>();
      } else if (current.size() >= CONFIG.maxStages()) {
        break;
      }
    }
    int[] stages = stageCounts.stream().mapToInt(Integer::intValue).sorted().toArray();
    return ParallaxRule.chooseK(stages);
  }

  /** Layers the members cover (largest at the head, second at the tail); 0 if a stage would be empty. */
  private static int covered(Capacity capacity, List<NodeSpec> members) {
    int n = members.size();
    int sum = 0;
    for (int i = 0; i < n; i++) {
      Role role = n == 1 ? Role.SOLE : i == 0 ? Role.HEAD : i == 1 ? Role.TAIL : Role.MIDDLE;
      int layers = capacity.layers(members.get(i), role);
      if (layers == 0) return 0;
      sum += layers;
    }
    return sum;
  }
}
