package dev.brigade.worker.stage;

import static dev.brigade.worker.stage.StageCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.control.SliceAssignment;
import dev.brigade.protocol.wire.FreeSequence;
import dev.brigade.protocol.wire.Sampling;
import dev.brigade.protocol.wire.SequenceError;
import dev.brigade.protocol.wire.StartSequence;
import dev.brigade.protocol.wire.TokenEvent;
import dev.brigade.protocol.wire.Wire;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Frames through real clustered stages in one JVM, against the single-process engine. */
class StageServerTest {
  private static final String GW = "gw";
  private static final int[] PROMPT = {9707, 11, 1879, 0, 358, 1079, 264, 2613, 1614, 13};
  private static StageCluster cluster;
  private static TokenCollector tokens;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new StageCluster(3, StageSettings.defaults().withPrefillChunkTokens(4));
    tokens = new TokenCollector(cluster.gateway, GW);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static StartSequence start(String id, int[] prompt, Sampling sampling, int max) {
    return new StartSequence(id, 0, GW, prompt, sampling, max, new int[0], new int[0]);
  }

  private static void send(StartSequence s) throws Exception {
    await(cluster.gateway.eventBus().request(Addresses.workerStage("w0"), s.encode()));
  }

  private static List<Integer> run(StartSequence s) throws Exception {
    var result = tokens.expect(s.seqId());
    send(s);
    TokenCollector.Result r = result.get(120, TimeUnit.SECONDS);
    assertEquals(null, r.error());
    return r.tokens();
  }

  @Test
  void twoAndThreeStagesGiveTheSingleProcessGreedyTokens() throws Exception {
    for (boolean fp8 : new boolean[] {false, true}) {
      Path model = TinyModelFixture.path(fp8);
      List<Integer> expected = ReferenceDecode.generate(model, PROMPT, SamplingParams.greedy(), 8);

      cluster.loadPipeline("p2", model, 0, 3, 6);
      assertEquals(expected, run(start("two-" + fp8, PROMPT, Sampling.greedy(), 8)), "2 stages, fp8=" + fp8);

      cluster.loadPipeline("p3", model, 0, 2, 4, 6);
      assertEquals(expected, run(start("three-" + fp8, PROMPT, Sampling.greedy(), 8)), "3 stages, fp8=" + fp8);
    }
  }

  @Test
  void seededSamplingMatchesAndConcurrentSequencesMatchAlone() throws Exception {
    Path model = TinyModelFixture.path(false);
    cluster.loadPipeline("p2", model, 0, 3, 6);
    SamplingParams seeded = new SamplingParams(0.9, 40, 0.95, 0, 1.1, 0, 0, 1234, -1);
    int[] other = {785, 6722, 315, 9625, 374};
    List<Integer> aloneA = ReferenceDecode.generate(model, PROMPT, seeded, 10);
    List<Integer> aloneB = ReferenceDecode.generate(model, other, SamplingParams.greedy(), 10);

    var a = tokens.expect("conc-a");
    var b = tokens.expect("conc-b");
    // Both starts in one BATCH frame: the stage applies a batch before its next forward, so the
    // two sequences share their forwards by construction, not by how fast the messages arrive.
    cluster.gateway.eventBus().send(Addresses.workerStage("w0"), Wire.encodeBatch(List.of(
        start("conc-a", PROMPT, toWire(seeded), 10), start("conc-b", other, Sampling.greedy(), 10))));
    assertEquals(aloneA, a.get(120, TimeUnit.SECONDS).tokens());
    assertEquals(aloneB, b.get(120, TimeUnit.SECONDS).tokens());
    assertTrue(cluster.stages.get(0).figures().meanBatchEntries() > 1.0,
        "decode steps of the two sequences shared forwards");
  }

  @Test
  void cancelFreesTheKvCacheOnEveryStage() throws Exception {
    Path model = TinyModelFixture.path(false);
    cluster.loadPipeline("p3", model, 0, 2, 4, 6);
    send(start("long", PROMPT, Sampling.greedy(), 4000));
    for (int i = 0; i < 600 && tokens.tokensSoFar("long").size() < 3; i++) {
      Thread.sleep(50);
    }
    assertTrue(tokens.tokensSoFar("long").size() >= 3, "the sequence is decoding");
    for (StageServer s : cluster.stages) {
      assertEquals(1, s.figures().activeSequences(), s.nodeId() + " holds the sequence");
    }
    for (StageServer s : cluster.stages) {
      cluster.gateway.eventBus().send(Addresses.workerStage(s.nodeId()), new FreeSequence("long").encode());
    }
    for (StageServer s : cluster.stages) {
      for (int i = 0; i < 600 && (s.figures().activeSequences() > 0 || s.figures().cachedSequences() > 0); i++) {
        Thread.sleep(50);
      }
      assertEquals(0, s.figures().activeSequences(), s.nodeId() + " dropped the sequence");
      assertEquals(0, s.figures().cachedSequences(), s.nodeId() + " returned every KV block");
      assertEquals(s.figures().kvBytes(), s.figures().kvFreeBytes(), s.nodeId() + " KV all free");
    }
  }

  @Test
  void malformedFramesAreRejectedAndTheStageKeepsServing() throws Exception {
    Path model = TinyModelFixture.path(false);
    cluster.loadPipeline("p2", model, 0, 3, 6);
    Buffer wrongVersion = start("bad", PROMPT, Sampling.greedy(), 2).encode();
    wrongVersion.setUnsignedShortLE(2, 99);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(cluster.gateway.eventBus().request(Addresses.workerStage("w0"), wrongVersion)));
    ReplyException re = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(SequenceError.Kind.BAD_FRAME.code(), re.failureCode());
    assertTrue(re.getMessage().contains("protocol version 99"), re.getMessage());

    Buffer truncated = start("bad2", PROMPT, Sampling.greedy(), 2).encode();
    e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(cluster.gateway.eventBus().request(Addresses.workerStage("w1"), truncated.getBuffer(0, 20))));
    assertTrue(e.getCause().getMessage().contains("malformed START_SEQUENCE"), e.getCause().getMessage());

    cluster.gateway.eventBus().send(Addresses.workerStage("w0"), "not even a buffer");

    List<Integer> expected = ReferenceDecode.generate(model, PROMPT, SamplingParams.greedy(), 3);
    assertEquals(expected, run(start("after-bad", PROMPT, Sampling.greedy(), 3)));
  }

  @Test
  void aSequenceBeyondTheKvCacheIsRefusedAsContextFull() throws Exception {
    cluster.loadPipeline("p2", TinyModelFixture.path(false), 0, 3, 6);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> send(start("huge", PROMPT, Sampling.greedy(), 1_000_000)));
    ReplyException re = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(SequenceError.Kind.CONTEXT_FULL.code(), re.failureCode());
  }

  @Test
  void stopTokensEndTheSequenceAtTheTail() throws Exception {
    Path model = TinyModelFixture.path(false);
    List<Integer> expected = ReferenceDecode.generate(model, PROMPT, SamplingParams.greedy(), 6);
    cluster.loadPipeline("p2", model, 0, 3, 6);
    int stop = expected.get(2);
    StartSequence s = new StartSequence("stops", 0, GW, PROMPT, Sampling.greedy(), 6, new int[] {stop}, new int[0]);
    var result = tokens.expect("stops");
    send(s);
    TokenCollector.Result r = result.get(120, TimeUnit.SECONDS);
    assertEquals(TokenEvent.Finish.STOP, r.finish());
    assertEquals(expected.subList(0, expected.indexOf(stop) + 1), r.tokens());
  }

  @Test
  void aRerouteKeepsTheWeightsAndSendsToTheNewNeighbour() throws Exception {
    Path model = TinyModelFixture.path(false);
    cluster.loadPipeline("p2", model, 0, 3, 6);
    SliceAssignment newTail = new SliceAssignment("p2", 1, 2, "w2", 3, 6, 6, null, "w0", 2);
    await(StageCluster.onContext(cluster.workerVertx.get(2),
        () -> cluster.stages.get(2).load(newTail, model, new ScalarBackend(), StageCluster.KV_BUDGET)));
    SliceAssignment head = new SliceAssignment("p2", 0, 2, "w0", 0, 3, 6, "w2", "w0", 2);
    long weights = cluster.stages.get(0).figures().weightBytes();
    await(StageCluster.onContext(cluster.workerVertx.get(0), () -> cluster.stages.get(0).reroute(head)));
    assertEquals(head, cluster.stages.get(0).assignment());
    assertEquals(weights, cluster.stages.get(0).figures().weightBytes());

    long sampledBefore = cluster.stages.get(2).figures().tokensSampled();
    List<Integer> expected = ReferenceDecode.generate(model, PROMPT, SamplingParams.greedy(), 4);
    assertEquals(expected, run(start("rerouted", PROMPT, Sampling.greedy(), 4)));
    assertEquals(sampledBefore + 4, cluster.stages.get(2).figures().tokensSampled(), "w2 is the tail now");

    SliceAssignment otherLayers = new SliceAssignment("p2", 0, 2, "w0", 0, 2, 6, "w2", "w0", 3);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(StageCluster.onContext(cluster.workerVertx.get(0), () -> cluster.stages.get(0).reroute(otherLayers))));
    assertTrue(e.getCause().getMessage().contains("re-route to layers [0, 2)"), e.getCause().getMessage());
  }

  @Test
  void sequencesOfAGatewayThatLeavesTheClusterAreFreed() throws Exception {
    cluster.loadPipeline("p2", TinyModelFixture.path(false), 0, 3, 6);
    Vertx gone = await(ClusterBootstrap.start(ClusterOptions.local("gateway", "gw-gone")
        .withClusterName(cluster.clusterName).withPort(5701)
        .withMembers(List.of("127.0.0.1:" + ClusterBootstrap.hazelcast(cluster.gateway).getCluster()
            .getLocalMember().getAddress().getPort()))));
    try {
      StartSequence s = new StartSequence("orphan", 0, "gw-gone", PROMPT, Sampling.greedy(), 4000, new int[0], new int[0]);
      await(gone.eventBus().request(Addresses.workerStage("w0"), s.encode()));
      for (int i = 0; i < 600 && cluster.stages.get(1).figures().activeSequences() == 0; i++) {
        Thread.sleep(50);
      }
      assertEquals(1, cluster.stages.get(1).figures().activeSequences(), "the tail runs the sequence");
    } finally {
      await(gone.close());
    }
    for (StageServer st : cluster.stages.subList(0, 2)) {
      for (int i = 0; i < 600 && st.figures().activeSequences() > 0; i++) {
        Thread.sleep(50);
      }
      assertEquals(0, st.figures().activeSequences(), st.nodeId() + " freed the orphaned sequence");
    }
  }

  private static Sampling toWire(SamplingParams p) {
    return new Sampling(p.temperature(), p.topK(), p.topP(), p.minP(), p.repetitionPenalty(),
        p.presencePenalty(), p.frequencyPenalty(), p.seed(), p.topLogprobs());
  }
}
