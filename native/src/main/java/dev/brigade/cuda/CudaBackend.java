package dev.brigade.cuda;

import dev.brigade.cuda.kernel.Kernels;
import dev.brigade.cuda.kernel.Mem;
import dev.brigade.cuda.kernel.WeightKind;
import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.BatchLayout;
import dev.brigade.engine.backend.CheckedWeight;
import dev.brigade.engine.backend.DeviceBuffer;
import dev.brigade.engine.backend.DeviceWeight;
import dev.brigade.engine.backend.KvGeometry;
import dev.brigade.engine.backend.KvStore;
import dev.brigade.engine.backend.RopeTable;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The engine's Backend on one NVIDIA GPU: weights uploaded once in their stored dtype,
 * activations and the paged KV cache in device memory, every op a kernel from src/main/cuda
 * launched on the default stream in call order; {@link #copyOut} is the synchronisation point.
 * The host checks arguments (token ids, slots, buffer sizes via the launch plans) before
 * anything is queued, so bad input is an exception rather than a device fault. Calls are
 * serialised (the scratch buffers are shared), so slices may share one backend.
 */
public final class CudaBackend implements Backend {

  private final Device device;
  private final Map<Mem, Boolean> live = new IdentityHashMap<>();
  private final Map<String, Mem> scratch = new HashMap<>();
  /** The last batch layout uploaded (compared by value), and its RoPE tables by table. */
  private int[][] layoutArrays;
  private final Map<RopeTable, float[]> ropeForLayout = new IdentityHashMap<>();
  private boolean closed;

  /** A backend on CUDA device {@code index}; throws with the reason when CUDA is unusable. */
  public CudaBackend(int index) {
    this(new CudaDevice(index));
  }

  CudaBackend(Device device) {
    this.device = device;
  }

  @Override
  public String name() {
    return "cuda";
  }

  /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
  public String deviceName() {
    return device.name();
  }

  /** {free, total} bytes of device memory (cuMemGetInfo). */
  public long[] memoryInfo() {
    return device.memoryInfo();
  }

  /** Peak memory bandwidth in bytes/s, from the memory clock and bus width. */
  public double peakBandwidth() {
    return device.peakBandwidth();
  }

  /** Waits for every queued kernel (for timing). */
  public void synchronize() {
    device.synchronize();
  }

  // ---- memory -------------------------------------------------------------------------------

  private synchronized Mem allocate(String name, long bytes) {
    checkOpen();
    Mem m = device.allocate(name, bytes);
    live.put(m, Boolean.TRUE);
    return m;
  }

  synchronized void release(Mem mem) {
    if (live.remove(mem) != null) {
      device.free(mem);
    }
  }

  @Override
  public synchronized DeviceBuffer allocate(long floats) {
    if (floats < 0) {
      throw new IllegalArgumentException("negative buffer size " + floats);
    }
    return new CudaBuffer(this, allocate("buffer of " + floats + " floats", 4 * floats), floats);
  }

  @Override
  public synchronized void copyIn(MemorySegment src, DeviceBuffer dst, long dstOffset) {
    device.copyIn(src, buf(dst, dstOffset + src.byteSize() / 4, "copyIn destination").mem,
        4 * dstOffset);
  }

  @Override
  public synchronized void copyOut(DeviceBuffer src, long srcOffset, MemorySegment dst) {
    device.copyOut(buf(src, srcOffset + dst.byteSize() / 4, "copyOut source").mem, 4 * srcOffset,
        dst);
  }

  @Override
  public synchronized DeviceWeight upload(TensorData weight, TensorData scaleInv) {
    CheckedWeight checked = CheckedWeight.of(weight, scaleInv);
    long rows = checked.rows();
    long cols = checked.cols();
    DType dtype = weight.dtype();
    long bytes = rows * cols * dtype.bytes();
    Mem scales = null;
    if (checked.scales() != null) {
      scales = allocate(weight.name() + " scales", 4L * checked.scales().length);
      device.copyIn(MemorySegment.ofArray(checked.scales()), scales, 0);
    }
    Mem data = allocate(weight.name(), bytes);
    device.copyIn(weight.bytes(), data, 0);
    return new CudaWeight(this, weight.name(), dtype, rows, cols, data, scales,
        checked.scaleBytes());
  }

  @Override
  public synchronized KvStore allocateKv(KvGeometry geometry) {
    long half = geometry.bytes() / 2;
    return new CudaKvStore(this, geometry, allocate("KV keys", half), allocate("KV values", half));
  }

  // ---- ops ----------------------------------------------------------------------------------

  @Override
  public synchronized void embed(DeviceWeight table, int[] tokens, DeviceBuffer out) {
    CudaWeight t = CudaWeight.of(table);
    for (int token : tokens) {
      if (token < 0 || token >= t.rows) {
        throw new IllegalArgumentException("token id " + token + " outside the vocabulary of "
            + t.rows);
      }
    }
    if (tokens.length == 0) {
      return;
    }
    Mem ids = ints("tokens", tokens);
    device.launch(Kernels.embed(t.kind, t.data, t.scales, t.rows, ids,
        buf(out, tokens.length * t.cols, "embedding output").mem, tokens.length, (int) t.cols));
  }

  @Override
  public synchronized void matmul(DeviceWeight w, DeviceBuffer x, DeviceBuffer out, int rows) {
    CudaWeight wt = CudaWeight.of(w);
    if (rows == 0) {
      return;
    }
    int in = (int) wt.cols;
    int outDim = (int) wt.rows;
    device.launch(Kernels.matmul(wt.kind, wt.data, wt.scales,
        buf(x, (long) rows * in, "matmul input").mem,
        buf(out, (long) rows * outDim, "matmul output").mem, rows, outDim, in));
  }

  @Override
  public synchronized void rmsNorm(DeviceBuffer x, DeviceWeight weight, DeviceBuffer out, int groups,
      float eps) {
    CudaWeight wt = CudaWeight.of(weight);
    if (wt.dtype == DType.F8_E4M3) {
      throw new IllegalArgumentException("norm weight " + wt.name + " cannot be F8_E4M3");
    }
    if (groups == 0) {
      return;
    }
    int dim = (int) wt.cols;
    device.launch(Kernels.rmsNorm(buf(x, (long) groups * dim, "rmsNorm input").mem, wt.kind,
        wt.data, buf(out, (long) groups * dim, "rmsNorm output").mem, groups, dim, eps));
  }

  @Override
  public synchronized void rope(DeviceBuffer x, int heads, RopeTable rope, BatchLayout layout) {
    if (layout.rows() == 0) {
      return;
    }
    int half = rope.headDim() / 2;
    Mem cosSin = cosSin(rope, layout);
    device.launch(Kernels.rope(
        buf(x, (long) layout.rows() * heads * rope.headDim(), "rope input").mem, cosSin,
        layout.rows(), heads, half));
  }

  @Override
  public synchronized void kvWrite(KvStore kv, int layer, DeviceBuffer k, DeviceBuffer v, BatchLayout layout) {
    CudaKvStore store = CudaKvStore.of(kv, layer);
    KvGeometry g = store.geometry;
    for (int slot : layout.slots()) {
      if (slot < 0 || slot >= g.slots()) {
        throw new IllegalArgumentException("KV slot " + slot + " outside the store");
      }
    }
    if (layout.rows() == 0) {
      return;
    }
    int width = g.kvHeads() * g.headDim();
    uploadLayout(layout);
    device.launch(Kernels.kvWrite(buf(k, (long) layout.rows() * width, "kvWrite keys").mem,
        buf(v, (long) layout.rows() * width, "kvWrite values").mem, store.keys, store.values,
        store.elementBytes, scratch.get("slots"), layer, g.slots(), layout.rows(), width));
  }

  @Override
  public synchronized void attention(KvStore kv, int layer, DeviceBuffer q, DeviceBuffer out, int heads,
      BatchLayout layout) {
    CudaKvStore store = CudaKvStore.of(kv, layer);
    KvGeometry g = store.geometry;
    if (layout.rows() == 0) {
      return;
    }
    int sequences = layout.blockTables().length / layout.maxBlocksPerSequence();
    for (int r = 0; r < layout.rows(); r++) {
      int seq = layout.rowSequence()[r];
      int pos = layout.positions()[r];
      if (seq < 0 || seq >= sequences || pos < 0
          || pos / layout.blockSize() >= layout.maxBlocksPerSequence()) {
        throw new IllegalArgumentException("row " + r + " (sequence " + seq + ", position "
            + pos + ") is outside the block tables");
      }
      for (int b = 0; b <= pos / layout.blockSize(); b++) {
        int block = layout.blockTables()[seq * layout.maxBlocksPerSequence() + b];
        if (block < 0 || (long) (block + 1) * layout.blockSize() > g.slots()) {
          throw new IllegalArgumentException("row " + r + " attends through block " + block
              + ", outside the KV store");
        }
      }
    }
    long width = (long) layout.rows() * heads * g.headDim();
    uploadLayout(layout);
    device.launch(Kernels.attention(buf(q, width, "attention query").mem,
        buf(out, width, "attention output").mem, store.keys, store.values, store.elementBytes,
        layer, g.slots(), scratch.get("positions"), scratch.get("rowSequence"),
        scratch.get("blockTables"), sequences, layout.maxBlocksPerSequence(),
        layout.blockSize(), layout.rows(), heads, g.kvHeads(), g.headDim()));
  }

  @Override
  public synchronized void siluMul(DeviceBuffer gate, DeviceBuffer up, DeviceBuffer out, long count) {
    if (count == 0) {
      return;
    }
    device.launch(Kernels.siluMul(buf(gate, count, "siluMul gate").mem,
        buf(up, count, "siluMul up").mem, buf(out, count, "siluMul output").mem, count));
  }

  @Override
  public synchronized void add(DeviceBuffer x, DeviceBuffer y, long count) {
    if (count == 0) {
      return;
    }
    device.launch(Kernels.add(buf(x, count, "add target").mem, buf(y, count, "add operand").mem,
        count));
  }

  @Override
  public synchronized void gatherRows(DeviceBuffer src, int[] rows, int width, DeviceBuffer dst) {
    CudaBuffer s = buf(src, 0, "gatherRows source");
    long srcRows = s.floats() / width;
    for (int row : rows) {
      if (row < 0 || row >= srcRows) {
        throw new IllegalArgumentException("gatherRows: row " + row + " outside the source's "
            + srcRows + " rows");
      }
    }
    if (rows.length == 0) {
      return;
    }
    Mem ids = ints("gather", rows);
    device.launch(Kernels.gatherRows(s.mem, srcRows, ids,
        buf(dst, (long) rows.length * width, "gatherRows destination").mem, rows.length, width));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private CudaBuffer buf(DeviceBuffer b, long floats, String what) {
    if (!(b instanceof CudaBuffer c)) {
      throw new IllegalArgumentException(what + " is not a CUDA buffer");
    }
    if (c.floats() < floats) {
      throw new IllegalArgumentException(what + " holds " + c.floats() + " floats, needs "
          + floats);
    }
    return c;
  }

  /** Uploads {@code values} into the growable scratch buffer {@code name}. */
  private Mem ints(String name, int[] values) {
    Mem m = scratch(name, 4L * values.length);
    device.copyIn(MemorySegment.ofArray(values), m, 0);
    return m;
  }

  private Mem scratch(String name, long bytes) {
    Mem m = scratch.get(name);
    if (m == null || m.bytes() < bytes) {
      if (m != null) {
        release(m);
      }
      m = allocate("scratch " + name, Math.max(bytes, 4096));
      scratch.put(name, m);
    }
    return m;
  }

  /**
   * Device copies of the layout's arrays. The forward pass hands the same layout to every
   * layer, so they are uploaded once per batch (kept while the arrays are equal). Copies from
   * pageable host memory wait for the kernels queued before them, so reuse is safe.
   */
  private void uploadLayout(BatchLayout layout) {
    int[][] arrays = {layout.positions(), layout.slots(), layout.rowSequence(),
        layout.blockTables()};
    if (layoutArrays != null && Arrays.deepEquals(layoutArrays, arrays)) {
      return;
    }
    ints("positions", layout.positions());
    ints("slots", layout.slots());
    ints("rowSequence", layout.rowSequence());
    ints("blockTables", layout.blockTables());
    layoutArrays = new int[][] {arrays[0].clone(), arrays[1].clone(), arrays[2].clone(),
        arrays[3].clone()};
    ropeForLayout.clear();
  }

  /** cos and sin [rows, half, 2] of each row's position, from the table itself (as the oracle). */
  private Mem cosSin(RopeTable rope, BatchLayout layout) {
    uploadLayout(layout);
    String name = "rope " + System.identityHashCode(rope);
    if (!ropeForLayout.containsKey(rope) || !scratch.containsKey(name)) {
      int half = rope.headDim() / 2;
      float[] cs = new float[layout.rows() * half * 2];
      for (int r = 0; r < layout.rows(); r++) {
        for (int i = 0; i < half; i++) {
          cs[(r * half + i) * 2] = rope.cos(layout.positions()[r], i);
          cs[(r * half + i) * 2 + 1] = rope.sin(layout.positions()[r], i);
        }
      }
      Mem m = scratch(name, 4L * cs.length);
      device.copyIn(MemorySegment.ofArray(cs), m, 0);
      ropeForLayout.put(rope, cs);
    }
    return scratch.get(name);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("CUDA backend is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    for (Mem m : live.keySet().toArray(Mem[]::new)) {
      release(m);
    }
    scratch.clear();
    device.close();
    closed = true;
  }

  @Override
  public String toString() {
    return "cuda backend on device " + device.index();
  }
}
