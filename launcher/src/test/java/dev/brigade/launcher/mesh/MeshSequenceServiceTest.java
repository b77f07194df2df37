package dev.brigade.launcher.mesh;

import static dev.brigade.launcher.mesh.MeshCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.gateway.mesh.MeshSettings;
import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.SequenceFailure;
import dev.brigade.gateway.sequence.SequenceHandle;
import dev.brigade.gateway.sequence.SequenceRequest;
import dev.brigade.worker.stage.StageServer;
import io.vertx.core.Context;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The gateway's sequence client against real stages: routing, dedup, cancel, failover. */
class MeshSequenceServiceTest {
  private static final int[] PROMPT = {9707, 11, 1879, 0, 358, 1079, 264, 2613, 1614, 13, 785, 6722};
  private static final MeshSettings SETTINGS = new MeshSettings(10_000, 60_000, 4);

  private static RecordingListener start(MeshCluster c, SequenceRequest r, CompletableFuture<SequenceHandle> handle) {
    Context ctx = c.gateway.getOrCreateContext();
    RecordingListener listener = new RecordingListener(ctx);
    ctx.runOnContext(v -> handle.complete(c.service.start(r, listener)));
    return listener;
  }

  private static RecordingListener.Outcome run(MeshCluster c, SequenceRequest r) throws Exception {
    return start(c, r, new CompletableFuture<>()).outcome.get(120, TimeUnit.SECONDS);
  }

  @Test
  void failoverMidStreamDeliversExactlyTheFailureFreeTokens() throws Exception {
    Path model = TinyModelFixture.path(false);
    SamplingParams seeded = new SamplingParams(0.8, 50, 0.95, 0, 1.05, 0.1, 0.1, 77, -1);
    int max = 60;
    List<Integer> expected = ReferenceDecode.generate(model, PROMPT, seeded, max);
    try (MeshCluster c = new MeshCluster(4, SETTINGS)) {
      c.pipeline("pa", model, List.of("w0", "w1"), 0, 3, 6);
      c.pipeline("pb", model, List.of("w2", "w3"), 0, 2, 6);
      assertEquals(2, c.service.readyPipelines());

      RecordingListener l = start(c, new SequenceRequest("fo-1", PROMPT, seeded, max, Set.of()), new CompletableFuture<>());
      for (int i = 0; i < 2400 && l.tokens.size() < 5; i++) {
        Thread.sleep(5);
      }
      // Stop the tail of whichever pipeline runs the sequence, mid-generation.
      String victim = c.stages.get("w1").figures().activeSequences() > 0 ? "w1" : "w3";
      int before = l.tokens.size();
      c.stopWorker(victim);

      RecordingListener.Outcome o = l.outcome.get(120, TimeUnit.SECONDS);
      assertNull(o.failure());
      assertEquals(FinishReason.LENGTH, o.reason());
      assertEquals(expected, o.tokens());
      assertEquals(IntStream.range(0, max).boxed().toList(), o.indexes(), "no token lost or repeated");
      assertEquals(max, o.completionTokens());
      assertTrue(before < max, "the stage stopped before the sequence finished (" + before + " tokens)");
      assertTrue(o.onCallerContext(), "listener called on the caller's context");
    }
  }

  @Test
  void routingCancelAndFailures() throws Exception {
    Path model = TinyModelFixture.path(false);
    try (MeshCluster c = new MeshCluster(2, SETTINGS)) {
      RecordingListener.Outcome none = run(c, new SequenceRequest("np", PROMPT, SamplingParams.greedy(), 4, Set.of()));
      assertEquals(SequenceFailure.Kind.NO_PIPELINE, none.failure().kind());

      c.pipeline("p", model, List.of("w0", "w1"), 0, 4, 6);
      List<Integer> expected = ReferenceDecode.generate(model, PROMPT, SamplingParams.greedy(), 6);
      RecordingListener.Outcome ok = run(c, new SequenceRequest("g", PROMPT, SamplingParams.greedy(), 6, Set.of()));
      assertEquals(expected, ok.tokens());
      assertEquals(FinishReason.LENGTH, ok.reason());

      int stop = expected.get(3);
      RecordingListener.Outcome stopped =
          run(c, new SequenceRequest("s", PROMPT, SamplingParams.greedy(), 6, Set.of(stop)));
      assertEquals(FinishReason.STOP, stopped.reason());
      assertEquals(expected.subList(0, expected.indexOf(stop)), stopped.tokens(), "stop token not delivered");
      assertEquals(expected.indexOf(stop) + 1, stopped.completionTokens());

      RecordingListener.Outcome full =
          run(c, new SequenceRequest("f", PROMPT, SamplingParams.greedy(), 10_000_000, Set.of()));
      assertEquals(SequenceFailure.Kind.CONTEXT_FULL, full.failure().kind());

      CompletableFuture<SequenceHandle> handle = new CompletableFuture<>();
      RecordingListener l = start(c, new SequenceRequest("c", PROMPT, SamplingParams.greedy(), 3000, Set.of()), handle);
      for (int i = 0; i < 2400 && l.tokens.size() < 3; i++) {
        Thread.sleep(5);
      }
      handle.get(10, TimeUnit.SECONDS).cancel();
      RecordingListener.Outcome cancelled = l.outcome.get(60, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, cancelled.reason());
      for (StageServer s : c.stages.values()) {
        for (int i = 0; i < 400 && (s.figures().activeSequences() > 0 || s.figures().cachedSequences() > 0); i++) {
          Thread.sleep(25);
        }
        assertEquals(0, s.figures().activeSequences(), s.nodeId() + " freed the cancelled sequence");
        assertEquals(0, s.figures().cachedSequences(), s.nodeId() + " returned its KV blocks");
      }
    }
  }
}
