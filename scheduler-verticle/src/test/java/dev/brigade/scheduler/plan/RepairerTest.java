package dev.brigade.scheduler.plan;

import static dev.brigade.scheduler.plan.Fleets.GB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Qwen3Shapes;
import dev.brigade.protocol.plan.Stage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairerTest {
  private static final ModelShape SHAPE = Qwen3Shapes.preset("qwen3-32b-fp8");
  private static final AllocatorConfig CONFIG = AllocatorConfig.DEFAULT;

  private static NodeSpec gpu(String id, long gb) {
    return NodeSpec.of(id, gb * GB, 5e-4);
  }

  private static Fleet fleet(List<NodeSpec> nodes) {
    List<Transition> formed = new ArrayList<>();
    Fleet fleet = Fleet.allocate(SHAPE, CONFIG, nodes, Allocator.KRule.BEST, formed);
    for (Transition t : formed) fleet.markReady(t.pipeline().id());
    return fleet;
  }

  @Test
  void aLostStageIsTakenOverByOneStandbyNodeAndTheOthersKeepTheirSlices() {
    // Two 2-stage pipelines from four 24 GB cards; a fifth arrives later and waits on standby.
    Fleet fleet = fleet(List.of(gpu("a", 24), gpu("b", 24), gpu("c", 24), gpu("d", 24)));
    assertEquals(2, fleet.pipelines().size());
    assertTrue(Repairer.join(fleet, gpu("spare", 24)).isEmpty(), "one spare card forms nothing");
    String victim = "b";
    String pipelineId = fleet.pipelineOf(victim);
    PipelineSpec before = fleet.pipeline(pipelineId);

    List<Transition> ts = Repairer.leave(fleet, victim);

    assertEquals(1, ts.size());
    Transition t = ts.getFirst();
    assertEquals(Transition.Kind.REPAIR, t.kind());
    assertEquals(List.of("spare"), t.loadNodes(), "only the replacement loads");
    PipelineSpec after = fleet.pipeline(pipelineId);
    assertEquals(PipelineState.LOADING, after.state());
    for (int i = 0; i < before.stages().size(); i++) {
      Stage was = before.stages().get(i), now = after.stages().get(i);
      assertEquals(was.start(), now.start());
      assertEquals(was.end(), now.end());
      assertEquals(was.nodeId().equals(victim) ? "spare" : was.nodeId(), now.nodeId());
    }
    assertEquals(0, fleet.standbyCount());
    assertEquals(PipelineState.READY, fleet.markReady(pipelineId).state());
  }

  @Test
  void withoutAFittingSpareTheSurvivorsAndSmallSparesAreReSplit() {
    // 32 GB head + 12 GB tail; the tail leaves; two 10 GB spares cannot hold its slice alone.
    Fleet fleet = fleet(List.of(gpu("big", 32), gpu("tail", 12)));
    assertEquals(1, fleet.pipelines().size());
    String id = fleet.pipelineOf("big");
    int tailLayers = fleet.pipeline(id).tail().layers();
    long tailNeeds = new Capacity(SHAPE, CONFIG).requiredBytes(tailLayers, Role.TAIL);
    assertTrue(tailNeeds > 10 * GB, "the spares are too small for the tail slice");
    Repairer.join(fleet, gpu("s1", 10));
    Repairer.join(fleet, gpu("s2", 10));

    List<Transition> ts = Repairer.leave(fleet, "tail");

    assertEquals(Transition.Kind.REPAIR, ts.getFirst().kind());
    PipelineSpec p = fleet.pipeline(id);
    // The head takes more layers so one 10 GB spare suffices; both must load new slices.
    assertEquals(List.of("big", "s1"), p.nodeIds());
    assertEquals(List.of("big", "s1"), ts.getFirst().loadNodes());
    assertEquals(1, fleet.standbyCount());
    Fleets.assertPipelineValid(p, SHAPE, CONFIG, byId(fleet, p), new java.util.HashSet<>());
  }

  @Test
  void aPipelineWithNoPossibleRepairWaitsBrokenUntilAJoinFixesIt() {
    Fleet fleet = fleet(List.of(gpu("a", 24), gpu("b", 24)));
    String id = fleet.pipelineOf("a");
    List<Transition> ts = Repairer.leave(fleet, "b");
    assertEquals(Transition.Kind.BREAK, ts.getFirst().kind());
    assertEquals(PipelineState.BROKEN, fleet.pipeline(id).state());
    assertEquals(java.util.Set.of(id), fleet.brokenPipelines());

    ts = Repairer.join(fleet, gpu("c", 24));

    assertEquals(Transition.Kind.REPAIR, ts.getFirst().kind());
    assertEquals(List.of("c"), ts.getFirst().loadNodes());
    assertTrue(fleet.brokenPipelines().isEmpty());
    assertEquals(List.of("a", "c"), fleet.pipeline(id).nodeIds());
  }

  @Test
  void givingUpOnABrokenPipelineFreesItsSurvivorsToRepairAnother() {
    Fleet fleet = fleet(List.of(gpu("a", 24), gpu("b", 24), gpu("c", 24), gpu("d", 24)));
    assertEquals(2, fleet.pipelines().size());
    String first = fleet.pipelineOf("a");
    String partner = fleet.pipeline(first).nodeIds().stream().filter(n -> !n.equals("a")).findFirst().orElseThrow();
    String second = fleet.pipelines().stream().map(PipelineSpec::id).filter(id -> !id.equals(first)).findFirst().orElseThrow();
    String lostInSecond = fleet.pipeline(second).nodeIds().getLast();
    assertEquals(Transition.Kind.BREAK, Repairer.leave(fleet, partner).getFirst().kind());
    assertEquals(Transition.Kind.BREAK, Repairer.leave(fleet, lostInSecond).getFirst().kind());
    assertEquals(java.util.Set.of(first, second), fleet.brokenPipelines());

    List<Transition> ts = Repairer.giveUp(fleet, first);

    assertEquals(List.of(Transition.Kind.DISSOLVE, Transition.Kind.REPAIR), ts.stream().map(Transition::kind).toList());
    assertEquals(List.of("a"), ts.getFirst().freedNodes());
    assertEquals(second, ts.get(1).pipeline().id());
    assertEquals(List.of("a"), ts.get(1).loadNodes(), "only the freed node loads a slice");
    assertTrue(fleet.brokenPipelines().isEmpty());
    assertEquals(second, fleet.pipelineOf("a"));
    assertNull(fleet.pipeline(first));
    assertTrue(Repairer.giveUp(fleet, first).isEmpty(), "a pipeline no longer broken is left alone");
    assertTrue(Repairer.giveUp(fleet, second).isEmpty(), "a repaired pipeline is left alone");
  }

  @Test
  void standbyNodesThatTogetherHoldTheModelFormANewPipeline() {
    Fleet fleet = fleet(List.of(gpu("solo", 80)));
    assertTrue(Repairer.join(fleet, gpu("x", 24)).isEmpty());
    List<Transition> ts = Repairer.join(fleet, gpu("y", 24));
    assertEquals(1, ts.size());
    assertEquals(Transition.Kind.FORM, ts.getFirst().kind());
    assertEquals(2, fleet.pipelines().size());
    assertEquals(0, fleet.standbyCount());
  }

  @Test
  void aStandbyNodeLeavingChangesNoPipeline() {
    Fleet fleet = fleet(List.of(gpu("solo", 80)));
    Repairer.join(fleet, gpu("x", 24));
    assertTrue(Repairer.leave(fleet, "x").isEmpty());
    assertEquals(0, fleet.standbyCount());
    assertNull(fleet.node("x"));
    assertTrue(Repairer.leave(fleet, "never-joined").isEmpty());
  }

  @Test
  void aBadLayoutIsReplacedByBringingTheNewUpBeforeDrainingTheOld() {
    // A fast 80 GB card stuck in a 2-stage pipeline with a 24 GB card; another 24 GB card idles.
    NodeSpec big = NodeSpec.of("big", 80 * GB, 1e-4);
    NodeSpec s1 = gpu("s1", 24), s2 = gpu("s2", 24);
    Fleet fleet = new Fleet(SHAPE, CONFIG);
    for (NodeSpec n : List.of(big, s1, s2)) fleet.addStandby(n);
    PipelineSpec bad = fleet.builder.build("old", List.of(big, s1), PipelineState.READY);
    fleet.install(bad);

    Rebalancer.Rebalance r = Rebalancer.rebalance(fleet, 0.1).orElseThrow();

    assertTrue(r.bringUp().isEmpty(), "every new pipeline needs a node of the old one");
    assertEquals(1, r.drain().size());
    assertEquals(PipelineState.DRAINING, fleet.pipeline("old").state());
    assertEquals(2, r.afterDrain().size());
    for (PipelineSpec p : r.afterDrain()) assertTrue(Rebalancer.formDrained(fleet, p).isEmpty(), "old still draining");
    fleet.dissolve("old");
    for (PipelineSpec p : r.afterDrain()) assertTrue(Rebalancer.formDrained(fleet, p).isPresent());
    assertEquals(2, fleet.pipelines().size());
    assertEquals(0, fleet.standbyCount());
    assertTrue(Rebalancer.rebalance(fleet, 0.1).isEmpty(), "nothing better left to do");
  }

  static java.util.Map<String, NodeSpec> byId(Fleet fleet, PipelineSpec p) {
    java.util.Map<String, NodeSpec> m = new java.util.HashMap<>();
    for (String id : p.nodeIds()) m.put(id, fleet.node(id));
    return m;
  }

  @Test
  void aReSplitTakesNodesNearTheSurvivorsBeforeTheLargestFarAway() {
    // Under a 0.25 s/token ceiling, a pipeline of two 24 GB cards in Europe loses its tail.
    // Standby: a 32 GB card in Australia (it could hold the slice, but the hop to Europe and
    // back alone costs 0.24 s) and two 12 GB cards in Europe, which together cover the gap.
    AllocatorConfig config = CONFIG.withMaxTokenSeconds(0.25);
    List<Transition> formed = new ArrayList<>();
    Fleet fleet = Fleet.allocate(SHAPE, config, List.of(eu("head", 24), eu("tail", 24)), Allocator.KRule.BEST, formed);
    String id = formed.getFirst().pipeline().id();
    fleet.markReady(id);
    Repairer.join(fleet, new NodeSpec("far", 32 * GB, 5e-4, 0, 0, "australia", -33.9, 151.2));
    Repairer.join(fleet, eu("near1", 12));
    Repairer.join(fleet, eu("near2", 12));
    assertEquals(3, fleet.standbyCount());

    List<Transition> ts = Repairer.leave(fleet, "tail");

    assertEquals(Transition.Kind.REPAIR, ts.getFirst().kind());
    PipelineSpec p = fleet.pipeline(id);
    assertTrue(p.tokenSeconds() <= 0.25, "within the ceiling: " + p.tokenSeconds());
    assertEquals(List.of("head", "near1", "near2"), p.nodeIds().stream().sorted().toList());
    assertEquals(1, fleet.standbyCount(), "the far card stays on standby");
  }

  private static NodeSpec eu(String id, long gb) {
    return new NodeSpec(id, gb * GB, 5e-4, 0, 0, "europe-west", 50.1, 8.7);
  }
}
