package dev.brigade.protocol.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plans travel as JSON (Hazelcast maps, event bus): a round trip through text changes nothing. */
class PlanJsonTest {

  @Test
  void planSurvivesAJsonTextRoundTrip() {
    PipelineSpec p = new PipelineSpec("p1",
        List.of(new Stage("a", 0, 40, 0.012), new Stage("b", 40, 64, 0.009)),
        PipelineState.READY, 0.031, 12345);
    Plan plan = new Plan(List.of(p), List.of("c", "d"));
    String text = plan.toJson().encode();
    assertEquals(plan, Plan.fromJson(new JsonObject(text)));
  }

  @Test
  void nodeAndShapeSurviveAJsonTextRoundTrip() {
    NodeSpec node = new NodeSpec("gpu-7", 24_000_000_000L, 5e-4, 1.008e12, 1.65e14, "eu", 50.1, 8.7);
    assertEquals(node, NodeSpec.fromJson(new JsonObject(node.toJson().encode())));
    ModelShape shape = Qwen3Shapes.preset("qwen3-8b");
    assertEquals(shape, ModelShape.fromJson(new JsonObject(shape.toJson().encode())));
  }

  @Test
  void rttGrowsWithDistance() {
    NodeSpec frankfurt = new NodeSpec("f", 1, 1e-3, 0, 0, "eu", 50.1, 8.7);
    NodeSpec paris = new NodeSpec("p", 1, 1e-3, 0, 0, "eu", 48.9, 2.35);
    NodeSpec tokyo = new NodeSpec("t", 1, 1e-3, 0, 0, "asia", 35.7, 139.7);
    double near = Geo.rttSeconds(frankfurt, paris);
    double far = Geo.rttSeconds(frankfurt, tokyo);
    // About 480 km and 9,300 km great-circle.
    assertEquals(0.002 + 2 * 1.5 * 480 / 200_000.0, near, 0.001);
    assertEquals(0.002 + 2 * 1.5 * 9_330 / 200_000.0, far, 0.003);
  }
}
