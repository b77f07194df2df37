package dev.brigade.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brigade.engine.backend.DeviceBuffer;
import dev.brigade.engine.backend.DeviceWeight;
import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import dev.brigade.engine.testing.Encode;
import dev.brigade.engine.testing.Fp8Block;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The matmul kernels against the ScalarBackend oracle for every weight dtype and awkward shapes
 * (columns not a multiple of the vector width or of 4 vectors, FP8 partial edge blocks in both
 * directions, one-column and one-row weights), and their batch and thread-count invariance.
 * The oracle sums in double; an f32 sum of n terms may differ by about (n + 2) * 2^-24 *
 * sum|w x|, which is the bound used.
 */
class MatmulKernelsTest {
  private static final ScalarBackend SCALAR = new ScalarBackend();
  private static final CpuPool POOL = new CpuPool(3);
  private static final DType[] DTYPES = {DType.BF16, DType.F16, DType.F32, DType.F8_E4M3};
  /** [out, in] shapes: vector-width and block edges on both sides. */
  private static final int[][] SHAPES = {
    {1, 1}, {5, 7}, {37, 131}, {130, 300}, {129, 64}, {3, 257}, {200, 1024}, {17, 16}, {9, 80}
  };

  @AfterAll
  static void close() {
    POOL.close();
  }

  /** A weight in its stored form, for both the kernels and the oracle. */
  record Stored(TensorData data, TensorData scale, WeightMatrix matrix) {
    static Stored random(DType dtype, int rows, int cols, long seed, float spread) {
      Random rnd = new Random(seed);
      float[] w = new float[rows * cols];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) rnd.nextGaussian() * (i % 89 == 0 ? 20f : 0.5f) * spread;
      }
      long[] shape = {rows, cols};
      if (dtype == DType.F8_E4M3) {
        Fp8Block q = Fp8Block.quantize(w, rows, cols, DType.BF16);
        int scaleCount = (int) (q.scaleShape()[0] * q.scaleShape()[1]);
        float[] scales = FloatCodec.decode(q.scales(), DType.BF16, scaleCount);
        return new Stored(new TensorData("w", dtype, shape, q.codes(), null),
            new TensorData("w_scale_inv", DType.BF16, q.scaleShape(), q.scales(), null),
            WeightMatrix.fromRowMajor(q.codes(), dtype, rows, cols, scales,
                (int) q.scaleShape()[1], Arena.ofAuto()));
      }
      MemorySegment bytes = Encode.store(w, dtype);
      return new Stored(new TensorData("w", dtype, shape, bytes, null), null,
          WeightMatrix.fromRowMajor(bytes, dtype, rows, cols, null, 0, Arena.ofAuto()));
    }
  }

  private static float[] gaussian(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  private static float[] oracle(Stored s, float[] x, int rows) {
    int out = s.matrix().rows();
    try (DeviceWeight w = SCALAR.upload(s.data(), s.scale());
        DeviceBuffer xb = SCALAR.allocate(x.length);
        DeviceBuffer ob = SCALAR.allocate((long) rows * out)) {
      SCALAR.copyIn(MemorySegment.ofArray(x), xb, 0);
      SCALAR.matmul(w, xb, ob, rows);
      float[] o = new float[rows * out];
      SCALAR.copyOut(ob, 0, MemorySegment.ofArray(o));
      return o;
    }
  }

  private static void assertClose(Stored s, float[] x, int rows, float[] actual, String what) {
    int out = s.matrix().rows();
    int in = s.matrix().cols();
    float[] expected = oracle(s, x, rows);
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double absSum = 0;
        for (int i = 0; i < in; i++) {
          absSum += Math.abs(s.matrix().get(o, i) * (double) x[r * in + i]);
        }
        double tolerance = (in + 2) * 0x1p-24 * absSum + 1e-30;
        double diff = Math.abs(expected[r * out + o] - (double) actual[r * out + o]);
        assertTrue(diff <= tolerance, what + " row " + r + " out " + o + ": expected "
            + expected[r * out + o] + ", got " + actual[r * out + o] + " (tolerance "
            + tolerance + ")");
      }
    }
  }

  @Test
  void everyDtypeAndShapeMatchesTheOracleAtEveryBatchSize() {
    for (DType dtype : DTYPES) {
      for (int[] shape : SHAPES) {
        Stored s = Stored.random(dtype, shape[0], shape[1], shape[0] * 31L + shape[1], 1f);
        // 8 and 19: BF16's interleaved groups of eight rows, alone and with rows after them
        for (int rows : new int[] {1, 2, 3, 5, 8, 19}) {
          float[] x = gaussian(rows * shape[1], rows);
          float[] out = new float[rows * shape[0]];
          MatmulKernels.matmul(s.matrix(), x, out, rows, POOL);
          assertClose(s, x, rows, out, dtype + " " + Arrays.toString(shape) + " x" + rows);
        }
      }
    }
  }

  @Test
  void everyFiniteFp8AndF16CodeWidensExactlyOnTheOneRowAndTheManyRowPaths() {
    // Row k holds code k in all 6L + 3 columns (for FP8: every byte of a column quad, and a
    // last quad padded; for F16: full vectors and a scalar tail); x picks column j, so
    // out[r, k] is exactly the code's value times its block scale.
    int cols = 6 * Simd.L + 3;
    for (DType dtype : new DType[] {DType.F8_E4M3, DType.F16}) {
      int codes = dtype == DType.F8_E4M3 ? 256 : 65536;
      int[] kept = java.util.stream.IntStream.range(0, codes)
          .filter(c -> dtype == DType.F8_E4M3 ? (c & 0x7F) != 0x7F : (c & 0x7C00) != 0x7C00)
          .toArray();
      int rows = kept.length;
      MemorySegment data = MemorySegment.ofArray(new byte[rows * cols * dtype.bytes()]);
      for (int k = 0; k < rows; k++) {
        for (int c = 0; c < cols; c++) {
          long at = ((long) k * cols + c) * dtype.bytes();
          if (dtype == DType.F8_E4M3) {
            data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at, (byte) kept[k]);
          } else {
            data.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) kept[k]);
          }
        }
      }
      float[] scales = null;
      int scaleCols = 0;
      if (dtype == DType.F8_E4M3) {
        scaleCols = (cols + 127) / 128;
        scales = new float[((rows + 127) / 128) * scaleCols];
        Arrays.fill(scales, 0.375f);
      }
      WeightMatrix w = WeightMatrix.fromRowMajor(data, dtype, rows, cols, scales, scaleCols,
          Arena.ofAuto());
      for (int column : new int[] {0, 1, 2, 3, Simd.L + 1, 4 * Simd.L + 1, cols - 1}) {
        float[] x = new float[2 * cols];
        x[column] = 1;
        x[cols + column] = 2;
        float[] one = new float[rows];
        MatmulKernels.matmul(w, x, one, 1, POOL);
        float[] two = new float[2 * rows];
        MatmulKernels.matmul(w, x, two, 2, POOL);
        for (int k = 0; k < rows; k++) {
          float value = dtype == DType.F8_E4M3
              ? Encode.fp8Value(kept[k]) * 0.375f : Float.float16ToFloat((short) kept[k]);
          String what = dtype + " code " + Integer.toHexString(kept[k]) + " column " + column;
          assertTrue(value == one[k], what + ": " + value + " vs " + one[k]);
          assertTrue(value == two[k], what + " (2 rows): " + value + " vs " + two[k]);
          assertTrue(2 * value == two[rows + k], what + " (row 2): " + two[rows + k]);
        }
      }
    }
  }

  @Test
  void fp8WideningThroughTablesGivesTheArithmeticBits() {
    assumeTrue(E4m3Tables.POSSIBLE, "byte tables need 512-bit vectors");
    boolean before = Fp8PanelKernels.usesTables();
    try {
      // every code in every byte slot: code (r * 7 + c * 13) mod 256, NaN codes replaced by 0
      for (int[] shape : SHAPES) {
        int out = shape[0];
        int in = shape[1];
        Stored random = Stored.random(DType.F8_E4M3, out, in, out * 7L + in, 1f);
        MemorySegment codes = random.matrix().data();
        for (long r = 0; r < out; r++) {
          for (long c = 0; c < in; c++) {
            int code = (int) ((r * 7 + c * 13) % 256);
            codes.set(ValueLayout.JAVA_BYTE, Fp8Panels.offset(r, c, in),
                (byte) ((code & 0x7F) == 0x7F ? 0 : code));
          }
        }
        for (int rows : new int[] {1, 2, 5}) {
          float[] x = gaussian(rows * in, 5 + rows);
          float[] viaTables = new float[rows * out];
          Fp8PanelKernels.useTables(true);
          MatmulKernels.matmul(random.matrix(), x, viaTables, rows, POOL);
          float[] arithmetic = new float[rows * out];
          Fp8PanelKernels.useTables(false);
          MatmulKernels.matmul(random.matrix(), x, arithmetic, rows, POOL);
          assertArrayEquals(arithmetic, viaTables, Arrays.toString(shape) + " x" + rows);
        }
      }
      // the NaN codes widen to NaN through the tables, as in the scalar decoder
      int cols = 4 * Simd.L;
      MemorySegment nan = MemorySegment.ofArray(new byte[2 * cols]);
      for (int c = 0; c < cols; c++) {
        nan.set(ValueLayout.JAVA_BYTE, c, (byte) 0x7F);
        nan.set(ValueLayout.JAVA_BYTE, cols + c, (byte) 0xFF);
      }
      WeightMatrix w = WeightMatrix.fromRowMajor(nan, DType.F8_E4M3, 2, cols, new float[] {1f}, 1,
          Arena.ofAuto());
      float[] x = new float[cols];
      x[3] = 1;
      float[] y = new float[2];
      Fp8PanelKernels.useTables(true);
      MatmulKernels.matmul(w, x, y, 1, POOL);
      assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]), Arrays.toString(y));
    } finally {
      Fp8PanelKernels.useTables(before);
    }
  }

  @Test
  void aRowGivesTheSameBitsAloneInAnyBatchOnAnyThreadCount() {
    int rows = 9;
    for (DType dtype : DTYPES) {
      for (int[] shape : new int[][] {{130, 300}, {64, 1024}, {7, 45}}) {
        int out = shape[0];
        int in = shape[1];
        Stored s = Stored.random(dtype, out, in, 77, 1f);
        float[] batch = gaussian(rows * in, 3);
        float[] all = new float[rows * out];
        MatmulKernels.matmul(s.matrix(), batch, all, rows, POOL);
        float[] single = new float[rows * out];
        MatmulKernels.matmulSingleThread(s.matrix(), batch, single, rows);
        assertArrayEquals(all, single, dtype + ": thread count changed bits");
        for (int r = 0; r < rows; r++) {
          float[] expected = Arrays.copyOfRange(all, r * out, (r + 1) * out);
          float[] alone = new float[out];
          MatmulKernels.matmul(s.matrix(), Arrays.copyOfRange(batch, r * in, (r + 1) * in),
              alone, 1, POOL);
          assertArrayEquals(expected, alone,
              dtype + " " + Arrays.toString(shape) + ": row " + r + " alone differs");
          // the same row at another place in a batch of another size (up to 37 rows, past
          // the size where BF16 batches change tiles)
          int size = r == rows - 1 ? 37 : 2 + r % 5;
          int at = r % size;
          float[] other = gaussian(size * in, 40 + r);
          System.arraycopy(batch, r * in, other, at * in, in);
          float[] otherOut = new float[size * out];
          MatmulKernels.matmul(s.matrix(), other, otherOut, size, POOL);
          assertArrayEquals(expected, Arrays.copyOfRange(otherOut, at * out, (at + 1) * out),
              dtype + ": row " + r + " at " + at + " of " + size + " differs");
        }
      }
    }
  }

  @Test
  void severalWeightsTogetherGiveEachWeightsOwnBits() {
    for (DType dtype : DTYPES) {
      // row counts that cut the concatenated range inside four-row tiles and chunks
      Stored q = Stored.random(dtype, 130, 300, 5, 1f);
      Stored k = Stored.random(dtype, 37, 300, 6, 1f);
      Stored v = Stored.random(dtype, 64, 300, 7, 1f);
      for (int rows : new int[] {1, 3}) {
        float[] x = gaussian(rows * 300, 11 + rows);
        float[][] together = {new float[rows * 130], new float[rows * 37], new float[rows * 64]};
        MatmulKernels.matmulEach(new WeightMatrix[] {q.matrix(), k.matrix(), v.matrix()}, x,
            together, rows, POOL);
        Stored[] each = {q, k, v};
        for (int j = 0; j < 3; j++) {
          float[] alone = new float[together[j].length];
          MatmulKernels.matmul(each[j].matrix(), x, alone, rows, POOL);
          assertArrayEquals(alone, together[j], dtype + " weight " + j + " x" + rows);
        }
      }
    }
    Stored bf16 = Stored.random(DType.BF16, 4, 8, 1, 1f);
    Stored f32 = Stored.random(DType.F32, 4, 8, 1, 1f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MatmulKernels.matmulEach(new WeightMatrix[] {bf16.matrix(), f32.matrix()},
            new float[8], new float[][] {new float[4], new float[4]}, 1, POOL));
    assertTrue(e.getMessage().contains("share dtype"), e.getMessage());
  }

  @Test
  void shortBuffersAndBadWeightsAreRefusedClearly() {
    Stored s = Stored.random(DType.BF16, 4, 8, 1, 1f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MatmulKernels.matmul(s.matrix(), new float[15], new float[8], 2, POOL));
    assertTrue(e.getMessage().contains("needs 16 inputs"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new WeightMatrix(MemorySegment.ofArray(new byte[10]), DType.BF16, 2, 8, null, 0));
    e = assertThrows(IllegalArgumentException.class,
        () -> new WeightMatrix(MemorySegment.ofArray(new byte[(int) Fp8Panels.bytes(2, 8)]),
            DType.F8_E4M3, 2, 8, null, 0));
    assertTrue(e.getMessage().contains("need block scales"), e.getMessage());
  }
}
