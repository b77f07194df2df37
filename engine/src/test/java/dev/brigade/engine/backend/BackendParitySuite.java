package dev.brigade.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.kv.KvExtent;
import dev.brigade.engine.kv.PagedKvCache;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.testing.DeviceBuffers;
import dev.brigade.engine.testing.Encode;
import dev.brigade.engine.testing.Fp8Block;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every op of a backend against the ScalarBackend oracle; a backend's test extends this class
 * and supplies the backend (CpuBackendParityTest here, the CUDA backend's in its module through
 * the engine's test jar).
 *
 * <p>The oracle accumulates in double, a real backend in f32 in its own order, so sums differ by
 * rounding: a dot product of n terms may differ by at most about (n + 2) * 2^-24 * sum|w_i x_i|
 * (the standard bound for f32 summation in any order, plus the FP8 scale multiply); element-wise
 * ops agree to an ulp or two. Dtype widening, copies, lookups and adds are exact. Batch and
 * thread-count invariance are bit-exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendParitySuite {
  private static final ScalarBackend SCALAR = new ScalarBackend();
  private static final DType[] WEIGHT_DTYPES = {DType.BF16, DType.F16, DType.F32, DType.F8_E4M3};
  private Backend tested;

  /** The backend under test; called once per test class. */
  protected abstract Backend createBackend();

  /** A backend like the one under test, running on one thread (or its only configuration). */
  protected abstract Backend createSingleThreadedBackend();

  private Backend backend() {
    if (tested == null) {
      tested = createBackend();
    }
    return tested;
  }

  @AfterAll
  void closeBackend() {
    if (tested != null) {
      tested.close();
    }
  }

  /** A [rows, cols] weight in {@code dtype}, plus its exact f32 values. */
  protected record TestWeight(TensorData data, TensorData scale, float[] values) {
    static TestWeight random(String name, DType dtype, int rows, int cols, long seed) {
      Random rnd = new Random(seed);
      float[] w = new float[rows * cols];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) rnd.nextGaussian() * (i % 97 == 0 ? 30f : 0.5f);
      }
      long[] shape = rows == 1 ? new long[] {cols} : new long[] {rows, cols};
      if (dtype == DType.F8_E4M3) {
        Fp8Block q = Fp8Block.quantize(w, rows, cols, DType.BF16);
        return new TestWeight(new TensorData(name, dtype, shape, q.codes(), null),
            new TensorData(name + "_scale_inv", DType.BF16, q.scaleShape(), q.scales(), null),
            q.dequantized());
      }
      float[] exact = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        exact[i] = Encode.round(w[i], dtype);
      }
      return new TestWeight(new TensorData(name, dtype, shape, Encode.store(w, dtype), null),
          null, exact);
    }
  }

  private static float[] randomFloats(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void matmulMatchesTheOracleForEveryDtypeIncludingPartialFp8Blocks() {
    // 200 x 300: FP8 blocks of 128 with partial edges in both directions; 300 % 16 != 0 leaves
    // a scalar tail; 1, 3 and 6 rows exercise the 4-row grouping.
    int outDim = 200;
    int in = 300;
    for (DType dtype : WEIGHT_DTYPES) {
      TestWeight tw = TestWeight.random("w", dtype, outDim, in, 7);
      for (int rows : new int[] {1, 3, 6}) {
        float[] x = randomFloats(rows * in, rows);
        float[] cpu = matmul(backend(), tw, x, rows, outDim);
        float[] oracle = matmul(SCALAR, tw, x, rows, outDim);
        for (int r = 0; r < rows; r++) {
          for (int o = 0; o < outDim; o++) {
            double exact = 0;
            double magnitude = 0;
            for (int i = 0; i < in; i++) {
              exact += (double) tw.values()[o * in + i] * x[r * in + i];
              magnitude += Math.abs((double) tw.values()[o * in + i] * x[r * in + i]);
            }
            double bound = (in + 2) * 0x1p-24 * magnitude;
            int at = r * outDim + o;
            assertTrue(Math.abs(oracle[at] - exact) <= 0x1p-23 * Math.abs(exact) + 1e-30,
                dtype + " oracle wrong at " + at + ": " + oracle[at] + " vs " + exact);
            assertTrue(Math.abs(cpu[at] - oracle[at]) <= bound,
                dtype + " row " + r + " out " + o + ": cpu " + cpu[at] + " oracle " + oracle[at]);
          }
        }
      }
    }
  }

  private static float[] matmul(Backend b, TestWeight tw, float[] x, int rows, int outDim) {
    try (DeviceWeight w = b.upload(tw.data(), tw.scale())) {
      DeviceBuffer xb = DeviceBuffers.of(b, x);
      DeviceBuffer out = b.allocate((long) rows * outDim);
      b.matmul(w, xb, out, rows);
      return DeviceBuffers.read(b, out, rows * outDim);
    }
  }

  @Test
  void cpuKernelsWidenEveryFiniteFp8AndF16CodeExactly() {
    // Each weight row repeats one code across 16 columns; x = e_0 picks it out exactly.
    float[] x = new float[16];
    x[0] = 1;
    // FP8: all 254 non-NaN codes, scale 1
    java.util.List<Integer> fp8 = new java.util.ArrayList<>();
    for (int code = 0; code < 256; code++) {
      if ((code & 0x7F) != 0x7F) {
        fp8.add(code);
      }
    }
    MemorySegment codes = MemorySegment.ofArray(new byte[fp8.size() * 16]);
    for (int r = 0; r < fp8.size(); r++) {
      for (int c = 0; c < 16; c++) {
        codes.set(java.lang.foreign.ValueLayout.JAVA_BYTE, r * 16L + c, (byte) (int) fp8.get(r));
      }
    }
    int scaleRows = (fp8.size() + 127) / 128;
    float[] ones = new float[scaleRows];
    java.util.Arrays.fill(ones, 1f);
    TensorData w = new TensorData("fp8", DType.F8_E4M3, new long[] {fp8.size(), 16}, codes, null);
    TensorData s = new TensorData("fp8_scale_inv", DType.F32, new long[] {scaleRows, 1},
        Encode.store(ones, DType.F32), null);
    float[] got = matmul(backend(), new TestWeight(w, s, null), x, 1, fp8.size());
    for (int r = 0; r < fp8.size(); r++) {
      assertEquals(Encode.fp8Value(fp8.get(r)), got[r], 0f, "fp8 code " + fp8.get(r));
    }
    // F16: every code with exponent below 31 (no inf/NaN)
    java.util.List<Short> f16 = new java.util.ArrayList<>();
    for (int code = 0; code < 65536; code++) {
      if ((code & 0x7C00) != 0x7C00) {
        f16.add((short) code);
      }
    }
    MemorySegment halves = MemorySegment.ofArray(new short[f16.size() * 16]);
    for (int r = 0; r < f16.size(); r++) {
      for (int c = 0; c < 16; c++) {
        halves.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, r * 16L + c, f16.get(r));
      }
    }
    TensorData h = new TensorData("f16", DType.F16, new long[] {f16.size(), 16}, halves, null);
    float[] gotHalves = matmul(backend(), new TestWeight(h, null, null), x, 1, f16.size());
    for (int r = 0; r < f16.size(); r++) {
      // delta 0: exact, except that -0 and +0 count as equal (the dot's sum starts at +0)
      assertEquals(Float.float16ToFloat(f16.get(r)), gotHalves[r], 0f,
          "f16 code " + Integer.toHexString(f16.get(r) & 0xFFFF));
    }
  }

  @Test
  void matmulRowsAreBitIdenticalAloneAndInAnyBatch() {
    for (DType dtype : WEIGHT_DTYPES) {
      TestWeight tw = TestWeight.random("w", dtype, 150, 260, 3);
      float[] batch = randomFloats(7 * 260, 9);
      float[] all = matmul(backend(), tw, batch, 7, 150);
      for (int r = 0; r < 7; r++) {
        float[] alone = matmul(backend(), tw,
            java.util.Arrays.copyOfRange(batch, r * 260, (r + 1) * 260), 1, 150);
        assertArrayEquals(alone, java.util.Arrays.copyOfRange(all, r * 150, (r + 1) * 150),
            dtype + " row " + r);
      }
      try (Backend oneThread = createSingleThreadedBackend()) {
        assertArrayEquals(all, matmul(oneThread, tw, batch, 7, 150), "thread count changed bits");
      }
    }
  }

  @Test
  void rmsNormPerRowAndPerHeadMatchTheOracle() {
    for (DType dtype : new DType[] {DType.BF16, DType.F16, DType.F32}) {
      TestWeight w = TestWeight.random("norm", dtype, 1, 40, 5);
      float[] x = randomFloats(6 * 40, 2);
      for (int groups : new int[] {6, 1}) {
        float[] cpu = norm(backend(), w, x, groups);
        float[] oracle = norm(SCALAR, w, x, groups);
        assertUlps(oracle, cpu, 4, dtype + " rmsNorm");
      }
    }
  }

  private static float[] norm(Backend b, TestWeight tw, float[] x, int groups) {
    try (DeviceWeight w = b.upload(tw.data(), null)) {
      DeviceBuffer xb = DeviceBuffers.of(b, x);
      b.rmsNorm(xb, w, xb, groups, 1e-6f);
      return DeviceBuffers.read(b, xb, groups * 40);
    }
  }

  @Test
  void ropeMatchesTheOracle() {
    RopeTable rope = RopeTable.plain(48, 1_000_000);
    PagedKvCache cache = new PagedKvCache(8, 4, 1000);
    List<KvExtent> extents = List.of(new KvExtent("a", 0, 5), new KvExtent("b", 0, 1));
    cache.admit(extents);
    cache.admit(List.of(new KvExtent("b", 1, 10)));
    BatchLayout layout = cache.layout(List.of(new KvExtent("a", 0, 5), new KvExtent("b", 9, 2)));
    float[] x = randomFloats(layout.rows() * 3 * 48, 4);
    assertRopeMatches(x, rope, layout);
    // the same layout object at other positions (a backend may keep angles between calls)
    layout.positions()[0] += 3;
    layout.positions()[layout.rows() - 1] += 100;
    assertRopeMatches(x, rope, layout);
  }

  private void assertRopeMatches(float[] x, RopeTable rope, BatchLayout layout) {
    float[] cpu = rope(backend(), x, rope, layout);
    float[] oracle = rope(SCALAR, x, rope, layout);
    for (int i = 0; i < x.length; i++) {
      assertEquals(oracle[i], cpu[i], 4e-7 * (Math.abs(x[i]) + Math.abs(oracle[i]) + 1), "at " + i);
    }
  }

  private static float[] rope(Backend b, float[] x, RopeTable rope, BatchLayout layout) {
    DeviceBuffer xb = DeviceBuffers.of(b, x);
    b.rope(xb, 3, rope, layout);
    return DeviceBuffers.read(b, xb, x.length);
  }

  @Test
  void kvWriteAndAttentionMatchTheOracleForMixedBatches() {
    // query heads per KV head: 2 (as Qwen3-0.6B), 5 (odd, as Qwen3-14B) and 1
    int[][] headCounts = {{4, 2}, {5, 1}, {3, 3}};
    for (DType kvDtype : new DType[] {DType.F32, DType.BF16}) {
      for (int[] hc : headCounts) {
        attentionMatchesTheOracle(kvDtype, hc[0], hc[1]);
      }
    }
  }

  private void attentionMatchesTheOracle(DType kvDtype, int heads, int kvHeads) {
    int d = 48;
    PagedKvCache cache = new PagedKvCache(16, 4, 1000);
    // sequence a: prefill of 7; sequence b: 5 cached then a decode step; c: a chunk of 3
    cache.admit(List.of(new KvExtent("b", 0, 5)));
    List<KvExtent> batch = List.of(new KvExtent("a", 0, 7), new KvExtent("b", 5, 1),
        new KvExtent("c", 0, 3));
    cache.admit(batch);
    BatchLayout prior = cache.layout(List.of(new KvExtent("b", 0, 5)));
    BatchLayout layout = cache.layout(batch);
    float[] kPrior = randomFloats(5 * kvHeads * d, 20);
    float[] vPrior = randomFloats(5 * kvHeads * d, 21);
    float[] k = randomFloats(layout.rows() * kvHeads * d, 22);
    float[] v = randomFloats(layout.rows() * kvHeads * d, 23);
    float[] q = randomFloats(layout.rows() * heads * d, 24);
    KvGeometry geometry = new KvGeometry(2, kvHeads, d, 16, 4, kvDtype);
    float[] cpu = attention(backend(), geometry, prior, kPrior, vPrior, layout, k, v, q, heads);
    float[] oracle = attention(SCALAR, geometry, prior, kPrior, vPrior, layout, k, v, q, heads);
    for (int i = 0; i < cpu.length; i++) {
      assertEquals(oracle[i], cpu[i], 2e-6,
          kvDtype + " attention, " + heads + " heads over " + kvHeads + ", at " + i);
    }
  }

  private static float[] attention(Backend b, KvGeometry geometry, BatchLayout prior,
      float[] kPrior, float[] vPrior, BatchLayout layout, float[] k, float[] v, float[] q,
      int heads) {
    try (KvStore kv = b.allocateKv(geometry)) {
      b.kvWrite(kv, 1, DeviceBuffers.of(b, kPrior), DeviceBuffers.of(b, vPrior), prior);
      b.kvWrite(kv, 1, DeviceBuffers.of(b, k), DeviceBuffers.of(b, v), layout);
      DeviceBuffer out = b.allocate(q.length);
      b.attention(kv, 1, DeviceBuffers.of(b, q), out, heads, layout);
      return DeviceBuffers.read(b, out, q.length);
    }
  }

  @Test
  void embedSiluAddAndGatherMatchTheOracle() {
    for (DType dtype : new DType[] {DType.BF16, DType.F16, DType.F32}) {
      TestWeight table = TestWeight.random("embed", dtype, 50, 24, 8);
      int[] tokens = {3, 49, 0, 3};
      float[][] results = new float[2][];
      Backend[] backends = {SCALAR, backend()};
      for (int i = 0; i < 2; i++) {
        try (DeviceWeight w = backends[i].upload(table.data(), null)) {
          DeviceBuffer out = backends[i].allocate(4 * 24);
          backends[i].embed(w, tokens, out);
          results[i] = DeviceBuffers.read(backends[i], out, 4 * 24);
        }
      }
      assertArrayEquals(results[0], results[1], dtype + " embed");
      assertEquals(table.values()[49 * 24 + 5], results[1][24 + 5]);
    }
    float[] g = randomFloats(5000, 30);
    float[] u = randomFloats(5000, 31);
    float[][] silu = new float[2][];
    float[][] sum = new float[2][];
    float[][] gathered = new float[2][];
    Backend[] backends = {SCALAR, backend()};
    for (int i = 0; i < 2; i++) {
      Backend b = backends[i];
      DeviceBuffer gb = DeviceBuffers.of(b, g);
      DeviceBuffer ub = DeviceBuffers.of(b, u);
      DeviceBuffer ob = b.allocate(5000);
      b.siluMul(gb, ub, ob, 5000);
      silu[i] = DeviceBuffers.read(b, ob, 5000);
      b.add(gb, ub, 4999);
      sum[i] = DeviceBuffers.read(b, gb, 5000);
      DeviceBuffer dst = b.allocate(3 * 100);
      b.gatherRows(ub, new int[] {49, 0, 7}, 100, dst);
      gathered[i] = DeviceBuffers.read(b, dst, 300);
    }
    assertUlps(silu[0], silu[1], 3, "siluMul");
    assertArrayEquals(sum[0], sum[1], "add");
    assertEquals(g[4999], sum[1][4999], "add must stop at count");
    assertArrayEquals(gathered[0], gathered[1], "gatherRows");
    assertEquals(u[4900], gathered[1][0]);
  }

  private static void assertUlps(float[] expected, float[] actual, int ulps, String what) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      float tol = ulps * Math.max(Math.ulp(expected[i]), Float.MIN_NORMAL);
      assertEquals(expected[i], actual[i], tol, what + " at " + i);
    }
  }
}
