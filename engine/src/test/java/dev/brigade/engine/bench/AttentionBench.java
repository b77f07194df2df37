package dev.brigade.engine.bench;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.BatchLayout;
import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.backend.DeviceBuffer;
import dev.brigade.engine.backend.KvGeometry;
import dev.brigade.engine.backend.KvStore;
import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.kv.KvExtent;
import dev.brigade.engine.kv.PagedKvCache;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.testing.DeviceBuffers;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One layer's attention on the CPU backend against the scalar oracle (one thread, double
 * sums, one element at a time) in the same run, over a BF16 KV cache with the 0.6B shape's
 * heads (16 query heads over 8 KV heads of 128). Two layouts: a decode step at position 4095,
 * and a prefill chunk of 512 tokens at positions 0-511.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBench {
  private static final int HEADS = 16;
  private static final int KV_HEADS = 8;
  private static final int HEAD_DIM = 128;
  private static final int BLOCK = 16;
  private static final int CONTEXT = 4096;

  @Param({"decode-at-4096", "prefill-512"})
  String layout;

  @Param({"cpu", "scalar"})
  String backend;

  private Backend b;
  private KvStore kv;
  private BatchLayout batch;
  private DeviceBuffer q;
  private DeviceBuffer out;

  @Setup(Level.Trial)
  public void setUp() {
    b = backend.equals("cpu") ? new CpuBackend(Runtime.getRuntime().availableProcessors())
        : new ScalarBackend();
    PagedKvCache cache = new PagedKvCache(CONTEXT / BLOCK, BLOCK, CONTEXT);
    kv = b.allocateKv(new KvGeometry(1, KV_HEADS, HEAD_DIM, CONTEXT / BLOCK, BLOCK, DType.BF16));
    SplittableRandom rnd = new SplittableRandom(3);
    int filled = layout.equals("prefill-512") ? 512 : CONTEXT;
    List<KvExtent> all = List.of(new KvExtent("s", 0, filled));
    cache.admit(all);
    BatchLayout written = cache.layout(all);
    int width = KV_HEADS * HEAD_DIM;
    b.kvWrite(kv, 0, DeviceBuffers.of(b, gaussians(rnd, filled * width)),
        DeviceBuffers.of(b, gaussians(rnd, filled * width)), written);
    batch = layout.equals("prefill-512") ? written
        : cache.layout(List.of(new KvExtent("s", CONTEXT - 1, 1)));
    int rows = batch.rows();
    q = DeviceBuffers.of(b, gaussians(rnd, rows * HEADS * HEAD_DIM));
    out = b.allocate((long) rows * HEADS * HEAD_DIM);
  }

  private static float[] gaussians(SplittableRandom rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rnd.nextGaussian() * 0.5);
    }
    return x;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    kv.close();
    b.close();
  }

  @Benchmark
  public DeviceBuffer attention() {
    b.attention(kv, 0, q, out, HEADS, batch);
    return out;
  }
}
