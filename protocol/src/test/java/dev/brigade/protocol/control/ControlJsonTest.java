package dev.brigade.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlJsonTest {

  /** Every message crosses the bus as encoded JSON text; decode from the text, not the object. */
  private static JsonObject wire(JsonObject j) {
    return new JsonObject(j.encode());
  }

  @Test
  void controlMessagesSurviveTheWire() {
    Register r = new Register(1, "tok", "w1", "member-uuid", 8L << 30, 0.0123, "cpu", "2 cores");
    assertEquals(r, Register.fromJson(wire(r.toJson())));
    assertEquals(RegisterReply.refuse("bad token"), RegisterReply.fromJson(wire(RegisterReply.refuse("bad token").toJson())));
    assertEquals(RegisterReply.accept(), RegisterReply.fromJson(wire(RegisterReply.accept().toJson())));
    Heartbeat h = new Heartbeat("w1", 3, 123456789L);
    assertEquals(h, Heartbeat.fromJson(wire(h.toJson())));
    assertEquals(new HeartbeatReply(false), HeartbeatReply.fromJson(wire(new HeartbeatReply(false).toJson())));
    SliceLoaded ok = SliceLoaded.ok("w1", "p1", 7, 4096);
    assertEquals(ok, SliceLoaded.fromJson(wire(ok.toJson())));
    assertEquals(4096, SliceLoaded.fromJson(wire(ok.toJson())).kvTokens());
    SliceLoaded failed = new SliceLoaded("w1", "p1", 7, "out of memory");
    assertFalse(SliceLoaded.fromJson(wire(failed.toJson())).succeeded());
    Unload u = new Unload("w1", "p1", 7);
    assertEquals(u, Unload.fromJson(wire(u.toJson())));
  }

  @Test
  void nodeRecordKeepsEveryField() {
    Register r = new Register(1, "tok", "w1", "m1", 1L << 33, 0.5, "cuda", "H100");
    NodeRecord n = NodeRecord.joined(r, 42L).withHeartbeat(new Heartbeat("w1", 2, 99L), 50L);
    SliceAssignment a = new SliceAssignment("p1", 1, 2, "w1", 14, 28, 28, null, "w0", 3L);
    NodeRecord placed = n.assigned(a);
    assertEquals(NodeState.LOADING, placed.state());
    assertEquals(placed, NodeRecord.fromJson(wire(placed.toJson())));
    assertEquals(null, placed.unplaced(NodeState.STANDBY).pipelineId());
  }

  @Test
  void pipelineRecordMakesAssignmentsForEachStage() {
    PipelineRecord p = new PipelineRecord("p1", PipelineState.LOADING, 4L, 28, List.of(
        new PipelineRecord.Stage("a", 0, 10, 0.1, false),
        new PipelineRecord.Stage("b", 10, 28, 0.2, false)));
    assertEquals(p, PipelineRecord.fromJson(wire(p.toJson())));
    SliceAssignment head = p.assignment(0);
    assertEquals(new SliceAssignment("p1", 0, 2, "a", 0, 10, 28, "b", "a", 4L), head);
    assertTrue(head.isHead());
    SliceAssignment tail = p.assignment(1);
    assertEquals(null, tail.nextNodeId());
    assertTrue(tail.isTail());
    PipelineRecord loaded = p.withStage(0, s -> s.loadedWith(8192)).withStage(1, s -> s.loadedWith(3000));
    assertFalse(p.allLoaded());
    assertTrue(loaded.allLoaded());
    // every token is cached on every stage: the smallest stage bounds the pipeline
    assertEquals(0, p.kvTokens(), "unknown until every stage reported");
    assertEquals(0, p.withStage(0, s -> s.loadedWith(8192)).kvTokens());
    assertEquals(3000, loaded.kvTokens());
    assertEquals(loaded, PipelineRecord.fromJson(wire(loaded.toJson())));
    assertEquals(3000, wire(loaded.toJson()).getLong("kvTokens"));
    assertEquals(1, p.stageOf("b"));
    assertEquals(-1, p.stageOf("z"));
  }

  @Test
  void modelCardRoundTripsThroughCompressedEntries() {
    String tokenizer = "{\"model\":{\"vocab\":{\"a\":1}}}".repeat(1000);
    ModelCard card = new ModelCard("tiny", "{\"hidden_size\":64}", tokenizer, "{\"chat_template\":\"x\"}", null);
    Map<String, String> entries = card.entries();
    assertTrue(entries.get(ModelCard.TOKENIZER_KEY).length() < tokenizer.length() / 10);
    assertEquals(card, ModelCard.fromEntries(entries.get(ModelCard.CARD_KEY), entries.get(ModelCard.TOKENIZER_KEY)));
  }
}
