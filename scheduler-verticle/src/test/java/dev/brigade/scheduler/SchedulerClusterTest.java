package dev.brigade.scheduler;

import dev.brigade.protocol.testing.LocalCluster;
import static dev.brigade.protocol.testing.LocalCluster.await;
import static dev.brigade.protocol.testing.LocalCluster.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.ProtocolVersion;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.control.ControlMessages;
import dev.brigade.protocol.control.Heartbeat;
import dev.brigade.protocol.control.HeartbeatReply;
import dev.brigade.protocol.control.ModelCard;
import dev.brigade.protocol.control.NodeRecord;
import dev.brigade.protocol.control.NodeState;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.Register;
import dev.brigade.protocol.control.RegisterReply;
import dev.brigade.scheduler.SchedulerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler in a real Hazelcast cluster of in-JVM members. The peer speaks the control
 * protocol over the clustered event bus exactly as a worker does.
 */
class SchedulerClusterTest {
  private static final long MIB = 1L << 20;
  private final LocalCluster cluster = new LocalCluster();

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  private static SchedulerConfig config(String id) {
    Path model = TinyModelFixture.path(false);
    return SchedulerConfig.of(id, "secret", CheckpointShape.read(model), ModelFiles.card(model))
        .withTimings(Duration.ofSeconds(30), Duration.ofMillis(200));
  }

  private static SchedulerVerticle deployScheduler(Vertx vertx, String id) throws Exception {
    SchedulerVerticle s = new SchedulerVerticle(config(id));
    await(vertx.deployVerticle(s));
    return s;
  }

  private static Register register(Vertx peer, String nodeId, String token, int version) {
    return new Register(version, token, nodeId, ClusterBootstrap.hazelcast(peer).getCluster().getLocalMember()
        .getAttribute("__vertx.nodeId"), 64 * MIB, 0.001, "cpu", "test");
  }

  private static JsonObject ask(Vertx peer, String type, JsonObject body) throws Exception {
    DeliveryOptions opts = new DeliveryOptions().addHeader(ControlMessages.TYPE_HEADER, type).setSendTimeout(10_000);
    return await(peer.eventBus().<JsonObject>request(Addresses.SCHEDULER, body, opts)).body();
  }

  /** Registers, retrying while the scheduler's consumer is not yet visible to this member. */
  private static RegisterReply registerAs(Vertx peer, Register r) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return RegisterReply.fromJson(ask(peer, ControlMessages.REGISTER, r.toJson()));
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static NodeRecord nodeRecord(Vertx any, String nodeId) {
    IMap<String, String> nodes = ClusterBootstrap.hazelcast(any).getMap(MapNames.NODES);
    String json = nodes.get(nodeId);
    return json == null ? null : NodeRecord.fromJson(new JsonObject(json));
  }

  @Test
  void admitsAWorkerWithTheTokenAndRefusesOthersNamingTheProblem() throws Exception {
    Vertx schedulerNode = cluster.start("scheduler", "s1");
    deployScheduler(schedulerNode, "s1");
    Vertx peer = cluster.start("worker", "w1");

    RegisterReply wrongToken = registerAs(peer, register(peer, "w1", "guess", ProtocolVersion.CURRENT));
    assertFalse(wrongToken.accepted());
    assertTrue(wrongToken.reason().contains("join token"), wrongToken.reason());
    assertFalse(wrongToken.reason().contains("secret"), "a refusal never echoes the token");

    RegisterReply noToken = registerAs(peer, register(peer, "w1", null, ProtocolVersion.CURRENT));
    assertFalse(noToken.accepted());
    assertTrue(noToken.reason().contains("--token"), noToken.reason());

    RegisterReply wrongVersion = registerAs(peer, register(peer, "w1", "secret", ProtocolVersion.CURRENT + 1));
    assertFalse(wrongVersion.accepted());
    assertTrue(wrongVersion.reason().contains("version " + (ProtocolVersion.CURRENT + 1)), wrongVersion.reason());
    assertTrue(wrongVersion.reason().contains("version " + ProtocolVersion.CURRENT), wrongVersion.reason());
    assertEquals(null, nodeRecord(peer, "w1"), "a refused node is not in the registry");

    RegisterReply ok = registerAs(peer, register(peer, "w1", "secret", ProtocolVersion.CURRENT));
    assertTrue(ok.accepted(), String.valueOf(ok.reason()));
    assertTrue(registerAs(peer, register(peer, "w1", "secret", ProtocolVersion.CURRENT)).accepted(),
        "registering twice from the same process is a no-op");
    eventually("w1 in brigade.nodes", () -> nodeRecord(peer, "w1") != null);
    NodeRecord w1 = nodeRecord(peer, "w1");
    assertEquals(64 * MIB, w1.memoryBytes());
    // 64 MiB cannot hold the tiny model's embeddings plus any layers at both ends: it waits.
    assertEquals(NodeState.STANDBY, w1.state());

    HeartbeatReply beat = HeartbeatReply.fromJson(ask(peer, ControlMessages.HEARTBEAT, new Heartbeat("w1", 0, 1).toJson()));
    assertTrue(beat.known());
    HeartbeatReply stranger = HeartbeatReply.fromJson(ask(peer, ControlMessages.HEARTBEAT, new Heartbeat("nobody", 0, 1).toJson()));
    assertFalse(stranger.known());
  }

  @Test
  void publishesTheModelCardSoGatewaysNeedNoFiles() throws Exception {
    Vertx schedulerNode = cluster.start("scheduler", "s1");
    SchedulerVerticle s = deployScheduler(schedulerNode, "s1");
    Vertx gateway = cluster.start("gateway", "g1");
    eventually("scheduler active", s::isActive);
    IMap<String, String> model = ClusterBootstrap.hazelcast(gateway).getMap(MapNames.MODEL);
    eventually("model card published", () -> model.get(ModelCard.TOKENIZER_KEY) != null);
    ModelCard card = ModelCard.fromEntries(model.get(ModelCard.CARD_KEY), model.get(ModelCard.TOKENIZER_KEY));
    ModelCard onDisk = ModelFiles.card(TinyModelFixture.path(false));
    assertEquals(onDisk, card);
    assertTrue(card.tokenizerJson().length() > 1_000_000, "the real Qwen3 tokenizer travels whole");
  }

  @Test
  void aNodeWhoseMemberLeavesIsGoneAtOnce() throws Exception {
    Vertx schedulerNode = cluster.start("scheduler", "s1");
    deployScheduler(schedulerNode, "s1");
    Vertx peer = cluster.start("worker", "w1");
    assertTrue(registerAs(peer, register(peer, "w1", "secret", ProtocolVersion.CURRENT)).accepted());
    eventually("w1 registered", () -> nodeRecord(schedulerNode, "w1") != null);

    cluster.stop(peer);
    // The heartbeat timeout is 30 s here: only the membership event can make this pass sooner.
    eventually("w1 gone", () -> nodeRecord(schedulerNode, "w1").state() == NodeState.GONE);
  }

  private static java.util.Map<String, PipelineRecord> pipelines(Vertx any) {
    IMap<String, String> table = ClusterBootstrap.hazelcast(any).getMap(MapNames.PIPELINES);
    java.util.Map<String, PipelineRecord> out = new java.util.TreeMap<>();
    table.forEach((id, json) -> out.put(id, PipelineRecord.fromJson(new JsonObject(json))));
    return out;
  }

  @Test
  void aPipelineBrokenLongerThanTheRepairWaitIsDissolvedAndItsSurvivorRepairsAnother() throws Exception {
    Vertx schedulerNode = cluster.start("scheduler", "s1");
    SchedulerVerticle s = new SchedulerVerticle(config("s1").withRepairWait(Duration.ofSeconds(1)));
    await(schedulerNode.deployVerticle(s));
    java.util.Map<String, Vertx> peers = new java.util.TreeMap<>();
    for (String id : java.util.List.of("w1", "w2", "w3", "w4")) {
      Vertx peer = cluster.start("worker", id);
      peers.put(id, peer);
      assertTrue(registerAs(peer, register(peer, id, "secret", ProtocolVersion.CURRENT)).accepted());
    }
    // 64 MiB each: the tiny model needs two of them per pipeline, so two pipelines form.
    eventually("two pipelines", () -> pipelines(schedulerNode).size() == 2);
    java.util.List<PipelineRecord> formed = java.util.List.copyOf(pipelines(schedulerNode).values());
    String first = formed.get(0).pipelineId();
    String second = formed.get(1).pipelineId();
    String survivor = formed.get(0).stages().get(0).nodeId();
    String lostFromFirst = formed.get(0).stages().get(1).nodeId();
    String keptInSecond = formed.get(1).stages().get(0).nodeId();
    String lostFromSecond = formed.get(1).stages().get(1).nodeId();

    // One node of each pipeline leaves; no spare is left to fill either gap.
    cluster.stop(peers.get(lostFromFirst));
    cluster.stop(peers.get(lostFromSecond));
    eventually("both broken", () -> pipelines(schedulerNode).values().stream()
        .allMatch(p -> p.state() == dev.brigade.protocol.control.PipelineState.BROKEN));

    // After the wait one of them is dissolved, and its survivor fills the other's gap.
    eventually("one pipeline left, repaired", () -> {
      java.util.Map<String, PipelineRecord> now = pipelines(schedulerNode);
      return now.size() == 1 && now.values().iterator().next().state() == dev.brigade.protocol.control.PipelineState.LOADING;
    });
    PipelineRecord repaired = pipelines(schedulerNode).values().iterator().next();
    assertTrue(java.util.Set.of(first, second).contains(repaired.pipelineId()), repaired.pipelineId());
    assertEquals(java.util.Set.of(survivor, keptInSecond),
        java.util.Set.copyOf(repaired.stages().stream().map(PipelineRecord.Stage::nodeId).toList()),
        "the two survivors now serve together");
  }

  @Test
  void aStandbySchedulerTakesOverFromTheMaps() throws Exception {
    Vertx first = cluster.start("scheduler", "s1");
    SchedulerVerticle active = deployScheduler(first, "s1");
    eventually("s1 active", active::isActive);
    Vertx second = cluster.start("scheduler", "s2");
    SchedulerVerticle standby = deployScheduler(second, "s2");
    Vertx peer = cluster.start("worker", "w1");
    assertTrue(registerAs(peer, register(peer, "w1", "secret", ProtocolVersion.CURRENT)).accepted());
    eventually("w1 registered", () -> nodeRecord(peer, "w1") != null);
    assertFalse(standby.isActive(), "only one scheduler is active");
    IMap<String, String> leader = ClusterBootstrap.hazelcast(peer).getMap(MapNames.SCHEDULER_LEADER);
    assertTrue(leader.get(Leadership.KEY).contains("\"s1\""));

    cluster.stop(first);
    eventually("s2 active", standby::isActive);
    assertTrue(leader.get(Leadership.KEY).contains("\"s2\""));
    // The new scheduler knows w1 from the map: its heartbeat is answered as known.
    eventually("w1 known to s2", () -> {
      try {
        return HeartbeatReply.fromJson(ask(peer, ControlMessages.HEARTBEAT, new Heartbeat("w1", 0, 1).toJson())).known();
      } catch (Exception e) {
        return false;
      }
    });
    assertNotNull(nodeRecord(peer, "w1"));
  }
}
