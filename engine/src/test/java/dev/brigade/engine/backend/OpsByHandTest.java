package dev.brigade.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.kv.KvExtent;
import dev.brigade.engine.kv.PagedKvCache;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.RopeScaling;
import dev.brigade.engine.testing.DeviceBuffers;
import dev.brigade.engine.testing.Encode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ops on tiny inputs whose results are worked out by hand, on both host backends: the places
 * where a plausible implementation is subtly wrong (eps inside the root, rotate-half pairing,
 * which KV head a query head reads, causality inside a prefill chunk, YaRN frequencies).
 */
class OpsByHandTest {
  private static final Backend[] BACKENDS = {new ScalarBackend(), new CpuBackend(2)};

  private static DeviceWeight vector(Backend b, float... values) {
    return b.upload(new TensorData("w", DType.F32, new long[] {values.length},
        Encode.store(values, DType.F32), null), null);
  }

  @Test
  void rmsNormPutsEpsInsideTheRootAndMultipliesByTheWeight() {
    for (Backend b : BACKENDS) {
      // mean of squares of [1,2,3,4] is 7.5; with eps 0.5 the root is sqrt(8)
      DeviceBuffer x = DeviceBuffers.of(b, 1, 2, 3, 4);
      b.rmsNorm(x, vector(b, 1, 1, 2, 0.5f), x, 1, 0.5f);
      double r = Math.sqrt(8);
      assertArrayEquals(new float[] {(float) (1 / r), (float) (2 / r), (float) (6 / r),
          (float) (2 / r)}, DeviceBuffers.read(b, x, 4), 1e-6f, b.name());
      // per head: two groups of two, each normalised on its own
      DeviceBuffer h = DeviceBuffers.of(b, 3, 4, 6, 8);
      b.rmsNorm(h, vector(b, 1, 1), h, 2, 0f);
      double rh = Math.sqrt(12.5);
      assertArrayEquals(new float[] {(float) (3 / rh), (float) (4 / rh), (float) (3 / rh),
          (float) (4 / rh)}, DeviceBuffers.read(b, h, 4), 1e-6f, b.name());
    }
  }

  @Test
  void ropeRotatesDimensionIWithDimensionIPlusHalf() {
    // head dim 4, theta 100: frequencies 1 and 0.1; at position 2 the angles are 2 and 0.2
    RopeTable rope = RopeTable.plain(4, 100);
    assertArrayEquals(new float[] {1f, 0.1f}, rope.invFreq(), 1e-7f);
    PagedKvCache cache = new PagedKvCache(1, 4, 10);
    cache.admit(List.of(new KvExtent("s", 0, 3)));
    BatchLayout layout = cache.layout(List.of(new KvExtent("s", 2, 1)));
    for (Backend b : BACKENDS) {
      DeviceBuffer x = DeviceBuffers.of(b, 1, 2, 3, 4);
      b.rope(x, 1, rope, layout);
      float[] expected = {
        (float) (1 * Math.cos(2) - 3 * Math.sin(2)),
        (float) (2 * Math.cos(0.2) - 4 * Math.sin(0.2)),
        (float) (3 * Math.cos(2) + 1 * Math.sin(2)),
        (float) (4 * Math.cos(0.2) + 2 * Math.sin(0.2))
      };
      assertArrayEquals(expected, DeviceBuffers.read(b, x, 4), 1e-6f, b.name());
    }
  }

  @Test
  void queryHeadsReadKvHeadsInGroupsAndRowsSeeOnlyEarlierPositions() {
    // 4 query heads over 2 KV heads, head dim 2. One prefill chunk of 2 tokens.
    PagedKvCache cache = new PagedKvCache(2, 2, 10);
    List<KvExtent> chunk = List.of(new KvExtent("s", 0, 2));
    cache.admit(chunk);
    BatchLayout layout = cache.layout(chunk);
    for (Backend b : BACKENDS) {
      try (KvStore kv = b.allocateKv(new KvGeometry(1, 2, 2, 2, 2, DType.F32))) {
        // token 0: k = 0 for both heads, v head0 = (1,2), v head1 = (3,4)
        // token 1: k head0 = (0,0), k head1 = (0,0); v head0 = (5,6), v head1 = (7,8)
        DeviceBuffer k = DeviceBuffers.of(b, 0, 0, 0, 0, 0, 0, 0, 0);
        DeviceBuffer v = DeviceBuffers.of(b, 1, 2, 3, 4, 5, 6, 7, 8);
        b.kvWrite(kv, 0, k, v, layout);
        DeviceBuffer q = DeviceBuffers.of(b, new float[2 * 4 * 2]);
        DeviceBuffer out = b.allocate(2 * 4 * 2);
        b.attention(kv, 0, q, out, 4, layout);
        // zero scores: row 0 sees only token 0; row 1 averages tokens 0 and 1.
        // query heads 0,1 read KV head 0; heads 2,3 read KV head 1.
        assertArrayEquals(new float[] {
          1, 2, 1, 2, 3, 4, 3, 4,
          3, 4, 3, 4, 5, 6, 5, 6
        }, DeviceBuffers.read(b, out, 16), 1e-6f, b.name());
      }
    }
  }

  @Test
  void yarnBlendsFrequenciesAndScalesCosAndSin() {
    // head dim 8, theta 10000, factor 4, original context 32: the correction range is [0, 1],
    // so frequency 0 is kept and 1..3 are interpolated (divided by 4);
    // attention factor 0.1 ln 4 + 1.
    ModelConfig c = new ModelConfig("y", 10, 8, 8, 1, 1, 1, 8, 1e-6, 10000,
        new RopeScaling("yarn", 4, 32, 0, 0, 0), false, 128, DType.BF16, false, 0, 1);
    RopeTable rope = RopeTable.of(c);
    assertArrayEquals(new float[] {1f, 0.025f, 0.0025f, 0.00025f}, rope.invFreq(), 1e-9f);
    assertEquals(0.1 * Math.log(4) + 1, rope.attentionScaling(), 1e-6);
    assertEquals((float) (Math.cos(3 * 0.025) * (0.1 * Math.log(4) + 1)), rope.cos(3, 1),
        1e-6f);
  }
}
