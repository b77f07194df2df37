package dev.brigade.protocol.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouterTest {

  private static PipelineSpec pipeline(String id, double stageSeconds, int stages, double hop, long capacity, PipelineState state) {
    List<Stage> list = new ArrayList<>();
    int per = 64 / stages;
    for (int i = 0; i < stages; i++)
      list.add(new Stage(id + "-n" + i, i * per, i == stages - 1 ? 64 : (i + 1) * per, stageSeconds));
    return new PipelineSpec(id, list, state, hop, capacity);
  }

  @Test
  void picksTheFastestReadyPipelineWhenIdle() {
    Leases leases = new Leases();
    List<PipelineSpec> ps = List.of(
        pipeline("slow", 0.02, 2, 0.01, 10_000, PipelineState.READY),
        pipeline("fast", 0.01, 2, 0.01, 10_000, PipelineState.READY),
        pipeline("faster-but-loading", 0.001, 1, 0, 10_000, PipelineState.LOADING));
    assertEquals("fast", Router.pick(ps, leases, 100).orElseThrow().id());
  }

  @Test
  void queuedTokensSendTrafficToTheNextBestPipeline() {
    Leases leases = new Leases();
    PipelineSpec fast = pipeline("fast", 0.01, 2, 0.0, 100_000, PipelineState.READY);
    PipelineSpec slow = pipeline("slow", 0.02, 2, 0.0, 100_000, PipelineState.READY);
    List<PipelineSpec> ps = List.of(fast, slow);
    // fast: 0.02 + q * 0.01 / 16 ; slow: 0.04. Fast stays best until q * 0.01 / 16 >= 0.02, q = 32.
    leases.acquire("fast", 31);
    assertEquals("fast", Router.pick(ps, leases, 1).orElseThrow().id());
    leases.acquire("fast", 2);
    assertEquals("slow", Router.pick(ps, leases, 1).orElseThrow().id());
  }

  @Test
  void fullPipelinesAreSkippedAndNoRoomMeansEmpty() {
    Leases leases = new Leases();
    PipelineSpec only = pipeline("only", 0.01, 1, 0, 1000, PipelineState.READY);
    Lease lease = leases.acquire("only", 900);
    assertTrue(Router.pick(List.of(only), leases, 100).isPresent());
    assertFalse(Router.pick(List.of(only), leases, 101).isPresent());
    assertTrue(leases.release(lease));
    assertFalse(leases.release(lease), "a second release of the same lease counts nothing");
    assertEquals(0, leases.inFlight("only"));
    assertEquals(0, leases.leasedTokens("only"));
    assertTrue(Router.pick(List.of(only), leases, 1000).isPresent());
  }

  @Test
  void indexChoosesWhatTheRouterChooses() {
    Random rng = new Random(7);
    for (int c = 0; c < 50; c++) {
      List<PipelineSpec> ps = new ArrayList<>();
      int n = 1 + rng.nextInt(8);
      RoutingIndex index = new RoutingIndex(Router.DEFAULT_BATCH_WIDTH);
      for (int i = 0; i < n; i++) {
        PipelineSpec p = pipeline("p" + i, 0.002 + rng.nextDouble() * 0.02, 1 + rng.nextInt(4),
            rng.nextDouble() * 0.05, 5_000 + rng.nextInt(20_000),
            rng.nextInt(5) == 0 ? PipelineState.LOADING : PipelineState.READY);
        ps.add(p);
        index.put(p);
      }
      List<Lease> open = new ArrayList<>();
      for (int step = 0; step < 300; step++) {
        if (!open.isEmpty() && rng.nextInt(3) == 0) {
          index.release(open.remove(rng.nextInt(open.size())));
          continue;
        }
        long tokens = 1 + rng.nextInt(rng.nextInt(10) == 0 ? 6_000 : 2_000);
        Optional<PipelineSpec> expected = Router.pick(ps, index.leases(), tokens);
        Optional<Lease> got = index.acquire(tokens);
        assertEquals(expected.map(PipelineSpec::id), got.map(Lease::pipelineId), "case " + c + " step " + step);
        got.ifPresent(open::add);
      }
    }
  }

  @Test
  void indexFindsTheLastRoomInANearlyFullFleet() {
    nearlyFull(Router.queue(Router.DEFAULT_BATCH_WIDTH));
    nearlyFull(Router.kvReads(4096, 500_000_000));
  }

  private static void nearlyFull(Router.LoadModel model) {
    // Many pipelines of different sizes filled to the brim: the index must still find every
    // pipeline that has room and pick exactly what the router picks.
    Random rng = new Random(11);
    List<PipelineSpec> ps = new ArrayList<>();
    RoutingIndex index = new RoutingIndex(model);
    for (int i = 0; i < 300; i++) {
      PipelineSpec p = pipeline("p" + i, 0.002 + rng.nextDouble() * 0.02, 1 + rng.nextInt(4),
          rng.nextDouble() * 0.05, 2_000 + rng.nextInt(200_000), PipelineState.READY);
      ps.add(p);
      index.put(p);
    }
    List<Lease> open = new ArrayList<>();
    int placed = 0;
    for (int step = 0; step < 20_000; step++) {
      if (!open.isEmpty() && rng.nextInt(4) == 0) {
        index.release(open.remove(rng.nextInt(open.size())));
        continue;
      }
      long tokens = 16 + rng.nextInt(rng.nextInt(10) == 0 ? 20_000 : 3_000);
      Optional<PipelineSpec> expected = Router.pick(ps, index.leases(), tokens, model);
      Optional<Lease> got = index.acquire(tokens);
      assertEquals(expected.map(PipelineSpec::id), got.map(Lease::pipelineId), "step " + step);
      got.ifPresent(open::add);
      if (got.isPresent()) placed++;
    }
    assertTrue(placed > 10_000, "the fleet filled up: " + placed);
    assertTrue(open.size() > 100, "many sequences at once");
    assertEquals(300, index.readyCount());
  }

  @Test
  void underTheKvModelAFastRoomyPipelineKeepsItsTrafficUntilItsCacheFills() {
    // A solo card with fast memory (10 ms a token) beside a two-stage pipeline (40 ms + hops).
    // Each leased context token adds 4096 / 5e8 of the stages' time: the solo one stays best
    // while it holds fewer than 0.04 / (0.01 * 8.192e-6) = 488,281 tokens, i.e. until its cache
    // (150,000 tokens) is full. The queue model moves traffic away after 64 tokens.
    Leases leases = new Leases();
    PipelineSpec solo = pipeline("solo", 0.01, 1, 0.0, 150_000, PipelineState.READY);
    PipelineSpec pair = pipeline("pair", 0.02, 2, 0.01, 40_000, PipelineState.READY);
    List<PipelineSpec> ps = List.of(solo, pair);
    Router.LoadModel kv = Router.kvReads(4096, 500_000_000);
    leases.acquire("solo", 148_000);
    assertEquals("solo", Router.pick(ps, leases, 2_000, kv).orElseThrow().id());
    assertEquals("pair", Router.pick(ps, leases, 2_001, kv).orElseThrow().id(), "no room left on solo");
    assertEquals("pair", Router.pick(ps, leases, 2_000, Router.DEFAULT_BATCH_WIDTH).orElseThrow().id());
    assertEquals(0.01 + 148_000 * 0.01 * 4096 / 500_000_000.0,
        Router.expectedSeconds(solo, 148_000, kv), 1e-12);
  }
}
