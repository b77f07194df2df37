package dev.brigade.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every op's launch plan, up to the driver call, for ordinary and odd shapes: the arguments
 * match the kernel's PTX parameter list in number and type, the grid covers the work the
 * .cu file expects to find, and buffers too small for the shape are refused before launch.
 * The handles are plain names here; the CUDA backend passes device pointers in the same plans.
 */
class LaunchPlanTest {
  private static final Map<String, Map<String, List<String>>> PTX = new java.util.HashMap<>();

  private static Mem mem(String name, long bytes) {
    return new Mem(name, name, bytes);
  }

  /** The plan's argument types equal the kernel's PTX parameters. */
  private static void matchesPtx(LaunchPlan plan) {
    List<String> params = PTX.computeIfAbsent(plan.module(), PtxEntries::of).get(plan.kernel());
    assertTrue(params != null, plan.kernel() + " not in " + plan.module() + ".ptx");
    List<String> types = new ArrayList<>();
    for (Arg a : plan.args()) {
      types.add(a.ptxType());
    }
    assertEquals(params, types, plan.kernel() + " arguments");
  }

  @Test
  void matmulPicksTheDecodeOrTiledKernelAndCoversEveryOutputAndRow() {
    for (WeightKind kind : WeightKind.values()) {
      for (int[] s : new int[][] {{1, 200, 300}, {3, 200, 300}, {8, 5120, 5120}, {9, 1, 7},
          {256, 25600, 5120}, {1, 5120, 25600}}) {
        int rows = s[0];
        int outDim = s[1];
        int in = s[2];
        long scaleBytes = 4L * ((outDim + 127) / 128) * ((in + 127) / 128);
        LaunchPlan p = Kernels.matmul(kind, mem("w", (long) outDim * in * kind.bytes),
            mem("scales", scaleBytes), mem("x", 4L * rows * in), mem("out", 4L * rows * outDim),
            rows, outDim, in);
        matchesPtx(p);
        int tile = rows == 1 ? 1 : Kernels.MATMUL_TILE_ROWS;
        assertEquals("matmul_" + kind.suffix + "_r" + tile, p.kernel());
        assertTrue((long) p.gridX() * Kernels.MATMUL_WARPS >= outDim);
        assertTrue((long) (p.gridX() - 1) * Kernels.MATMUL_WARPS < outDim, "no idle blocks");
        assertTrue((long) p.gridY() * tile >= rows && (long) (p.gridY() - 1) * tile < rows);
        assertEquals(32 * Kernels.MATMUL_WARPS, p.block());
      }
    }
  }

  @Test
  void matmulRefusesBuffersTooSmallForItsShape() {
    Mem w = mem("w", 200 * 300 * 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Kernels.matmul(WeightKind.BF16, w, w, mem("x", 4 * 299), mem("out", 4 * 200), 1,
            200, 300));
    assertTrue(e.getMessage().startsWith("x: needs 1200 bytes"), e.getMessage());
    // FP8 needs its [2, 3] f32 block scales
    assertThrows(IllegalArgumentException.class, () -> Kernels.matmul(WeightKind.FP8,
        mem("w", 200 * 300), mem("scales", 4 * 5), mem("x", 4 * 300), mem("out", 4 * 200), 1,
        200, 300));
    assertThrows(IllegalArgumentException.class, () -> Kernels.matmul(WeightKind.F32,
        mem("w", 4 * 200 * 300), w, mem("x", 4 * 300), mem("out", 4 * 200), 0, 200, 300));
  }

  @Test
  void rmsNormOneBlockPerGroupWithAWarpMultipleOfThreads() {
    for (int[] s : new int[][] {{1, 128}, {5, 48}, {7 * 4, 48}, {3, 5120}, {2, 1}, {1, 300}}) {
      for (WeightKind kind : new WeightKind[] {WeightKind.BF16, WeightKind.F16, WeightKind.F32}) {
        Mem x = mem("x", 4L * s[0] * s[1]);
        LaunchPlan p = Kernels.rmsNorm(x, kind, mem("w", (long) s[1] * kind.bytes), x, s[0],
            s[1], 1e-6f);
        matchesPtx(p);
        assertEquals(s[0], p.gridX());
        assertTrue(p.block() <= 256 && p.block() % 32 == 0 && p.block() >= Math.min(s[1], 256));
      }
    }
  }

  @Test
  void ropeCoversEveryPairOfEveryHeadOfEveryRow() {
    for (int[] s : new int[][] {{1, 4, 24}, {10, 2, 24}, {3, 64, 64}, {257, 7, 5}}) {
      long total = (long) s[0] * s[1] * s[2];
      LaunchPlan p = Kernels.rope(mem("x", 8 * total), mem("cs", 8L * s[0] * s[2]), s[0], s[1],
          s[2]);
      matchesPtx(p);
      assertTrue((long) p.gridX() * p.block() >= total);
      assertTrue((long) (p.gridX() - 1) * p.block() < total);
    }
    assertThrows(IllegalArgumentException.class,
        () -> Kernels.rope(mem("x", 8 * 10), mem("cs", 8), 2, 1, 5));
  }

  @Test
  void elementwiseOpsCoverCountIncludingOddAndLongCounts() {
    for (long count : new long[] {1, 7, 256, 257, 25600L * 8, 3_000_000_001L}) {
      Mem a = mem("a", 4 * count);
      LaunchPlan silu = Kernels.siluMul(a, mem("b", 4 * count), mem("c", 4 * count), count);
      LaunchPlan add = Kernels.add(a, mem("b", 4 * count), count);
      for (LaunchPlan p : List.of(silu, add)) {
        matchesPtx(p);
        assertTrue((long) p.gridX() * p.block() >= count);
      }
    }
  }

  @Test
  void embedAndGatherUseOneGridRowPerOutputRow() {
    for (WeightKind kind : WeightKind.values()) {
      LaunchPlan p = Kernels.embed(kind, mem("table", 1000L * 300 * kind.bytes),
          mem("scales", 4L * 8 * 3), 1000, mem("tokens", 4 * 5), mem("out", 4 * 5 * 300), 5,
          300);
      matchesPtx(p);
      assertEquals(5, p.gridY());
      assertEquals(2, p.gridX());
    }
    LaunchPlan g = Kernels.gatherRows(mem("src", 4 * 10 * 33), 10, mem("rows", 4 * 3),
        mem("dst", 4 * 3 * 33), 3, 33);
    matchesPtx(g);
    assertEquals(3, g.gridY());
    assertThrows(IllegalArgumentException.class, () -> Kernels.gatherRows(mem("src", 4 * 10),
        10, mem("rows", 4 * 3), mem("dst", 4 * 3 * 33), 3, 33));
  }

  @Test
  void kvWriteAndAttentionStayInsideTheirLayerOfTheStore() {
    int layers = 3;
    int slots = 64;
    int kvHeads = 2;
    int headDim = 48;
    int width = kvHeads * headDim;
    for (int bytes : new int[] {2, 4}) {
      Mem keys = mem("keys", (long) layers * slots * width * bytes);
      Mem values = mem("values", (long) layers * slots * width * bytes);
      for (int layer = 0; layer < layers; layer++) {
        LaunchPlan w = Kernels.kvWrite(mem("k", 4 * 5 * width), mem("v", 4 * 5 * width), keys,
            values, bytes, mem("slots", 4 * 5), layer, slots, 5, width);
        matchesPtx(w);
        assertEquals(5, w.gridY());
        assertEquals((long) layer * slots * width,
            ((Arg.I64) w.args().get(6)).value(), "layer base in elements");
        LaunchPlan a = Kernels.attention(mem("q", 4L * 5 * 4 * headDim),
            mem("out", 4L * 5 * 4 * headDim), keys, values, bytes, layer, slots,
            mem("pos", 4 * 5), mem("seq", 4 * 5), mem("tables", 4 * 2 * 4), 2, 4, 16, 5, 4,
            kvHeads, headDim);
        matchesPtx(a);
        assertEquals(5, a.gridX());
        assertEquals(1, a.gridY());
      }
      // a layer past the store's end is refused
      assertThrows(IllegalArgumentException.class, () -> Kernels.kvWrite(mem("k", 4 * width),
          mem("v", 4 * width), keys, values, bytes, mem("slots", 4), layers, slots, 1, width));
    }
    // 64 query heads -> 16 blocks of 4 warps; GQA must divide
    LaunchPlan big = Kernels.attention(mem("q", 4L * 64 * 128), mem("o", 4L * 64 * 128),
        mem("k", 4L * 16 * 8 * 128), mem("v", 4L * 16 * 8 * 128), 4, 0, 16, mem("p", 4),
        mem("s", 4), mem("t", 4), 1, 1, 16, 1, 64, 8, 128);
    assertEquals(16, big.gridY());
    assertThrows(IllegalArgumentException.class, () -> Kernels.attention(mem("q", 4L * 6 * 128),
        mem("o", 4L * 6 * 128), mem("k", 4L * 16 * 4 * 128), mem("v", 4L * 16 * 4 * 128), 4, 0,
        16, mem("p", 4), mem("s", 4), mem("t", 4), 1, 1, 16, 1, 6, 4, 128));
    assertThrows(IllegalArgumentException.class, () -> Kernels.attention(mem("q", 4L * 512),
        mem("o", 4L * 512), mem("k", 4L * 16 * 512), mem("v", 4L * 16 * 512), 4, 0, 16,
        mem("p", 4), mem("s", 4), mem("t", 4), 1, 1, 16, 1, 1, 1, 512));
  }

  @Test
  void gridLimitsAreEnforced() {
    assertThrows(IllegalArgumentException.class, () -> Kernels.embed(WeightKind.F32,
        mem("t", 4L * 10 * 4), mem("s", 0), 10, mem("tok", 4L * 70000), mem("o", 4L * 70000 * 4),
        70000, 4));
  }
}
