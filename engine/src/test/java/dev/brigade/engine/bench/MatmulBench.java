package dev.brigade.engine.bench;

import dev.brigade.engine.backend.cpu.CpuPool;
import dev.brigade.engine.backend.cpu.MatmulKernels;
import dev.brigade.engine.backend.cpu.WeightMatrix;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
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
 * The CPU matmul kernels at decode shapes against a plain single-threaded loop (the obvious
 * implementation: widen each element, multiply-add in f32), in the same run. Shapes are the
 * MLP gate projection [intermediate, hidden] of Qwen3-0.6B (3072 x 1024) and Qwen3-32B
 * (25600 x 5120); bytes per call over the time gives the achieved weight bandwidth.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulBench {

  @Param({"3072x1024", "25600x5120"})
  String shape;

  @Param({"BF16", "F8_E4M3"})
  String dtype;

  @Param({"1", "8"})
  int rows;

  private Arena arena;
  private CpuPool pool;
  private WeightMatrix weight;
  private float[] x;
  private float[] out;

  @Setup(Level.Trial)
  public void setUp() {
    String[] dims = shape.split("x");
    int outDim = Integer.parseInt(dims[0]);
    int inDim = Integer.parseInt(dims[1]);
    DType t = DType.valueOf(dtype);
    arena = Arena.ofShared();
    MemorySegment data = arena.allocate((long) outDim * inDim * t.bytes(), 64);
    SplittableRandom rnd = new SplittableRandom(42);
    float[] scales = null;
    int scaleCols = 0;
    if (t == DType.F8_E4M3) {
      for (long i = 0; i < data.byteSize(); i++) {
        int code = rnd.nextInt(256);
        data.set(ValueLayout.JAVA_BYTE, i, (byte) ((code & 0x7F) == 0x7F ? code - 1 : code));
      }
      scaleCols = (inDim + 127) / 128;
      scales = new float[((outDim + 127) / 128) * scaleCols];
      Arrays.fill(scales, 1e-3f);
    } else {
      for (long i = 0; i < data.byteSize(); i += 2) {
        float v = (float) (rnd.nextDouble() - 0.5) * 0.1f;
        data.set(ValueLayout.JAVA_SHORT_UNALIGNED, i,
            (short) (Float.floatToRawIntBits(v) >>> 16));
      }
    }
    weight = WeightMatrix.fromRowMajor(data, t, outDim, inDim, scales, scaleCols, Arena.global());
    x = new float[rows * inDim];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    out = new float[rows * outDim];
    pool = CpuPool.allCores();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
    arena.close();
  }

  /** The kernels on every core. */
  @Benchmark
  public float kernels() {
    MatmulKernels.matmul(weight, x, out, rows, pool);
    return out[0];
  }

  /** The baseline: one thread, one element at a time. */
  @Benchmark
  public float plainLoop() {
    int outDim = weight.rows();
    int in = weight.cols();
    MemorySegment data = weight.data();
    DType t = weight.dtype();
    float[] scales = weight.scales();
    for (int o = 0; o < outDim; o++) {
      for (int r = 0; r < rows; r++) {
        float sum = 0;
        for (int i = 0; i < in; i++) {
          float w = FloatCodec.get(data, t, (long) o * in + i);
          if (scales != null) {
            w *= scales[(o / 128) * weight.scaleCols() + i / 128];
          }
          sum += w * x[r * in + i];
        }
        out[r * outDim + o] = sum;
      }
    }
    return out[0];
  }
}
