package dev.brigade.engine.backend;

import dev.brigade.engine.backend.cpu.CpuPool;
import dev.brigade.engine.backend.cpu.ExpKernels;
import dev.brigade.engine.backend.cpu.MatmulKernels;
import dev.brigade.engine.backend.cpu.WeightMatrix;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The CPU backend: Vector API kernels ({@link MatmulKernels}, {@link CpuKernels}) on a
 * persistent pool of threads ({@link CpuPool}: no task objects per call). Work is
 * split over output elements only (matmul output rows, attention (row, head) pairs, norm
 * groups), so every value is computed start to finish by one thread in a fixed order:
 * results do not depend on the thread count, the split, or the rest of the batch.
 *
 * <p>Against {@link ScalarBackend} (double accumulators) results agree to f32 rounding of the
 * reductions, not bit for bit: the tests bound the difference by a few ulps of the sum of the
 * absolute terms. Transcendentals use StrictMath so they are identical in every JIT state.
 */
public final class CpuBackend extends HostBackend {
  /** Work below this many multiply-adds runs on the calling thread. */
  private static final long PARALLEL_THRESHOLD = 1 << 15;

  private final int threads;
  private final CpuPool pool;

  /** A backend using every available processor. */
  public CpuBackend() {
    this(Runtime.getRuntime().availableProcessors());
  }

  public CpuBackend(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("CPU backend needs at least one thread, got " + threads);
    }
    this.threads = threads;
    this.pool = new CpuPool(threads);
  }

  @Override
  public String name() {
    return "cpu";
  }

  public int threads() {
    return threads;
  }

  /** Runs body(0..tasks-1) on the pool (or inline when the work is small). */
  private void parallel(int tasks, long work, IntConsumer body) {
    parallel(tasks, 1, work, body);
  }

  /** {@link #parallel(int, long, IntConsumer)} handing out {@code grain} tasks at a time. */
  private void parallel(int tasks, int grain, long work, IntConsumer body) {
    if (threads == 1 || tasks == 1 || work < PARALLEL_THRESHOLD) {
      for (int i = 0; i < tasks; i++) {
        body.accept(i);
      }
      return;
    }
    pool.forEach(tasks, grain, (from, to) -> {
      for (int i = from; i < to; i++) {
        body.accept(i);
      }
    });
  }

  @Override
  public void embed(DeviceWeight table, int[] tokens, DeviceBuffer out) {
    HostWeight t = HostWeight.of(table);
    int width = (int) t.cols;
    float[] o = HostBuffer.of(out, (long) tokens.length * width, "embedding output").data;
    for (int r = 0; r < tokens.length; r++) {
      if (tokens[r] < 0 || tokens[r] >= t.rows) {
        throw new IllegalArgumentException("token id " + tokens[r] + " outside the vocabulary of "
            + t.rows);
      }
    }
    parallel(tokens.length, (long) tokens.length * width, r -> {
      for (int j = 0; j < width; j++) {
        o[r * width + j] = (float) t.get(tokens[r], j);
      }
    });
  }

  @Override
  public void matmul(DeviceWeight w, DeviceBuffer x, DeviceBuffer out, int rows) {
    HostWeight wt = HostWeight.of(w);
    float[] xs = HostBuffer.of(x, (long) rows * wt.cols, "matmul input").data;
    float[] os = HostBuffer.of(out, (long) rows * wt.rows, "matmul output").data;
    MatmulKernels.matmul(wt.matrix(), xs, os, rows, pool);
  }

  @Override
  public void matmulEach(DeviceWeight[] ws, DeviceBuffer x, DeviceBuffer[] outs, int rows) {
    if (ws.length != outs.length) {
      throw new IllegalArgumentException(ws.length + " weights for " + outs.length + " outputs");
    }
    WeightMatrix[] matrices = new WeightMatrix[ws.length];
    float[][] os = new float[ws.length][];
    boolean together = true;
    for (int j = 0; j < ws.length; j++) {
      HostWeight wt = HostWeight.of(ws[j]);
      matrices[j] = wt.matrix();
      os[j] = HostBuffer.of(outs[j], (long) rows * wt.rows, "matmul output").data;
      together &= matrices[j].dtype() == matrices[0].dtype()
          && matrices[j].cols() == matrices[0].cols();
    }
    if (!together) {
      super.matmulEach(ws, x, outs, rows);
      return;
    }
    float[] xs = HostBuffer.of(x, (long) rows * matrices[0].cols(), "matmul input").data;
    MatmulKernels.matmulEach(matrices, xs, os, rows, pool);
  }

  @Override
  public void rmsNorm(DeviceBuffer x, DeviceWeight weight, DeviceBuffer out, int groups,
      float eps) {
    HostWeight wt = HostWeight.of(weight);
    int dim = (int) wt.cols;
    float[] w = wt.floats();
    float[] xs = HostBuffer.of(x, (long) groups * dim, "rmsNorm input").data;
    float[] os = HostBuffer.of(out, (long) groups * dim, "rmsNorm output").data;
    parallel(groups, (long) groups * dim, g -> {
      int base = g * dim;
      float meanSquare = CpuKernels.sumSquares(xs, base, dim) / dim;
      float inverseRms = (float) (1.0 / Math.sqrt(meanSquare + eps));
      CpuKernels.scaleByWeight(xs, base, inverseRms, w, os, dim);
    });
  }

  @Override
  public void rope(DeviceBuffer x, int heads, RopeTable rope, BatchLayout layout) {
    int d = rope.headDim();
    float[] xs = HostBuffer.of(x, (long) layout.rows() * heads * d, "rope input").data;
    RopeAngles angles = ropeAngles(rope, layout);
    parallel(layout.rows(), (long) layout.rows() * heads * d * 8,
        r -> CpuKernels.rotateHalf(xs, r * heads * d, heads, d, angles.cos(), angles.sin(),
            r * d / 2));
  }

  /**
   * cos and sin at every row's position, [rows, headDim / 2] each. A forward rotates q and k of
   * every layer at the same positions, so the last set is kept and reused while the table and
   * the positions stay the same (128 StrictMath calls per row otherwise, 56 times per decode
   * step of a 28-layer model).
   */
  private record RopeAngles(RopeTable table, int[] positions, float[] cos, float[] sin) {}

  private volatile RopeAngles lastAngles;

  private RopeAngles ropeAngles(RopeTable rope, BatchLayout layout) {
    RopeAngles last = lastAngles;
    int[] positions = Arrays.copyOf(layout.positions(), layout.rows());
    if (last != null && last.table() == rope && Arrays.equals(last.positions(), positions)) {
      return last;
    }
    int half = rope.headDim() / 2;
    float[] cos = new float[positions.length * half];
    float[] sin = new float[positions.length * half];
    for (int r = 0; r < positions.length; r++) {
      int pos = positions[r];
      for (int i = 0; i < half; i++) {
        cos[r * half + i] = rope.cos(pos, i);
        sin[r * half + i] = rope.sin(pos, i);
      }
    }
    RopeAngles computed = new RopeAngles(rope, positions, cos, sin);
    lastAngles = computed;
    return computed;
  }

  @Override
  public void attention(KvStore kv, int layer, DeviceBuffer q, DeviceBuffer out, int heads,
      BatchLayout layout) {
    HostKvStore store = HostKvStore.of(kv, layer);
    KvGeometry g = store.geometry();
    int d = g.headDim();
    int group = heads / g.kvHeads();
    float[] qs = HostBuffer.of(q, (long) layout.rows() * heads * d, "attention query").data;
    float[] os = HostBuffer.of(out, (long) layout.rows() * heads * d, "attention output").data;
    float scale = (float) (1.0 / Math.sqrt(d));
    long work = 0;
    for (int r = 0; r < layout.rows(); r++) {
      work += (long) (layout.positions()[r] + 1) * heads * d * 2;
    }
    int kvHeads = g.kvHeads();
    // A task is one row's query heads of one KV head: they read the same keys and values, two
    // heads at a time in the kernels.
    parallel(layout.rows() * kvHeads, work, task -> {
      int r = task / kvHeads;
      int kvHead = task % kvHeads;
      int seq = layout.rowSequence()[r];
      int count = layout.positions()[r] + 1; // keys t = 0..pos of the row's own sequence
      long[] kvRows = new long[count]; // element index of k_t / v_t in the store
      long row = 0;
      int leftInBlock = 0;
      for (int t = 0; t < count; t++) {
        // a block's slots hold consecutive head vectors: look the slot up once per block
        if (leftInBlock == 0) {
          row = store.index(layer, layout.slotOf(seq, t), kvHead);
          leftInBlock = layout.blockSize();
        } else {
          row += d;
        }
        leftInBlock--;
        kvRows[t] = row;
      }
      float[] s0 = new float[count];
      float[] s1 = new float[count];
      float[][] pair = {s0, s1};
      float[] acc = new float[AttentionKernels.SCRATCH];
      int last = (kvHead + 1) * group - 1;
      for (int h = kvHead * group; h <= last; h += 2) {
        // an odd head out runs as both heads of the pair: the same results, written twice
        int q0 = (r * heads + h) * d;
        int q1 = (r * heads + Math.min(h + 1, last)) * d;
        for (int t = 0; t < count; t += AttentionKernels.KEYS) {
          AttentionKernels.scores(qs, q0, q1, store.keys, kvRows, t, count, d, store.bf16, s0,
              s1, acc);
        }
        for (float[] s : pair) { // one inlined copy: two spend C2's inlining budget for exp
          AttentionKernels.softmax(s, count, scale);
        }
        AttentionKernels.weightedSums(s0, s1, kvRows, count, store.values, d, store.bf16, os,
            q0, q1);
      }
    });
  }

  @Override
  public void siluMul(DeviceBuffer gate, DeviceBuffer up, DeviceBuffer out, long count) {
    float[] g = HostBuffer.of(gate, count, "siluMul gate").data;
    float[] u = HostBuffer.of(up, count, "siluMul up").data;
    float[] o = HostBuffer.of(out, count, "siluMul output").data;
    int n = (int) count;
    int chunk = 4096;
    parallel((n + chunk - 1) / chunk, count * 16,
        task -> ExpKernels.siluMul(g, u, o, task * chunk, Math.min(n, (task + 1) * chunk)));
  }

  @Override
  public void add(DeviceBuffer x, DeviceBuffer y, long count) {
    float[] xs = HostBuffer.of(x, count, "add target").data;
    float[] ys = HostBuffer.of(y, count, "add operand").data;
    int n = (int) count;
    int full = n - n % CpuKernels.L;
    for (int i = 0; i < full; i += CpuKernels.L) {
      jdk.incubator.vector.FloatVector.fromArray(CpuKernels.F, xs, i)
          .add(jdk.incubator.vector.FloatVector.fromArray(CpuKernels.F, ys, i))
          .intoArray(xs, i);
    }
    for (int i = full; i < n; i++) {
      xs[i] += ys[i];
    }
  }

  @Override
  public void gatherRows(DeviceBuffer src, int[] rows, int width, DeviceBuffer dst) {
    float[] d = HostBuffer.of(dst, (long) rows.length * width, "gatherRows destination").data;
    for (int j = 0; j < rows.length; j++) {
      float[] s = HostBuffer.of(src, (long) (rows[j] + 1) * width, "gatherRows source").data;
      System.arraycopy(s, rows[j] * width, d, j * width, width);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
