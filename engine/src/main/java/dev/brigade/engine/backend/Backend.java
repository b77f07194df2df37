package dev.brigade.engine.backend;

import dev.brigade.engine.checkpoint.TensorData;
import java.lang.foreign.MemorySegment;

/**
 * The compute device a slice runs on. Everything the forward pass does goes through this one
 * small interface: buffers and weights are opaque handles owned by the backend, data crosses
 * only at slice boundaries ({@link #copyIn}/{@link #copyOut}), and every op works on whole rows.
 *
 * <p>Conventions shared by every op:
 *
 * <ul>
 *   <li>Activation buffers hold f32 values, row-major. An op that takes {@code rows} reads and
 *       writes rows {@code [0, rows)} of its buffers; the row width comes from the weight or an
 *       explicit argument.
 *   <li>Weights keep their stored dtype (BF16, F16, F32, or F8_E4M3 with 128x128 block
 *       {@code weight_scale_inv}); conversion to f32 happens inside the op.
 *   <li>Batch invariance: a row's result never depends on which other rows are in the call
 *       (no reduction is split or ordered by batch size), so a sequence gives bit-identical
 *       results alone or inside any mixed batch.
 *   <li>Ops may run asynchronously on a device; {@link #copyOut} is the synchronisation point.
 * </ul>
 */
public interface Backend extends AutoCloseable {

  /** A short name for logs and the CLI ("scalar", "cpu", "cuda"). */
  String name();

  // ---- memory -------------------------------------------------------------------------------

  /** A zero-filled activation buffer of {@code floats} f32 values. */
  DeviceBuffer allocate(long floats);

  /**
   * Copies {@code src} (little-endian f32 values on the host; its byte size decides how many)
   * into {@code dst} starting at float offset {@code dstOffset}.
   */
  void copyIn(MemorySegment src, DeviceBuffer dst, long dstOffset);

  /**
   * Copies {@code dst.byteSize() / 4} f32 values from {@code src} at float offset
   * {@code srcOffset} into {@code dst} on the host, after every op queued before it finished.
   */
  void copyOut(DeviceBuffer src, long srcOffset, MemorySegment dst);

  /**
   * Uploads one weight in its stored dtype. A 2-D tensor is [out, in] (for matmul and embedding
   * lookup); a 1-D tensor is a norm weight. {@code scaleInv} is the F8_E4M3 weight's
   * [ceil(out/128), ceil(in/128)] block scale (any float dtype), null for other dtypes.
   */
  DeviceWeight upload(TensorData weight, TensorData scaleInv);

  /** A zero-filled paged KV store with the given geometry, owned by this backend. */
  KvStore allocateKv(KvGeometry geometry);

  // ---- ops ----------------------------------------------------------------------------------

  /** out[r, :] = table[tokens[r], :] as f32 for r < tokens.length; table is [vocab, width]. */
  void embed(DeviceWeight table, int[] tokens, DeviceBuffer out);

  /**
   * out[r, o] = sum_i w[o, i] * x[r, i] for r < rows; w is [outDim, inDim], x is [rows, inDim],
   * out is [rows, outDim]. FP8 weights are multiplied by their block's scale_inv.
   */
  void matmul(DeviceWeight w, DeviceBuffer x, DeviceBuffer out, int rows);

  /**
   * {@link #matmul} of the same x through each weight of {@code ws} into the matching buffer of
   * {@code outs} (q, k and v of a layer; gate and up). A backend may run them as one piece of
   * work; each result is exactly what {@link #matmul} gives. The default runs them in turn.
   */
  default void matmulEach(DeviceWeight[] ws, DeviceBuffer x, DeviceBuffer[] outs, int rows) {
    if (ws.length != outs.length) {
      throw new IllegalArgumentException(ws.length + " weights for " + outs.length + " outputs");
    }
    for (int j = 0; j < ws.length; j++) {
      matmul(ws[j], x, outs[j], rows);
    }
  }

  /**
   * RMSNorm over groups of {@code weight.cols()} values, in fp32:
   * out[g, j] = weight[j] * (x[g, j] / sqrt(mean_j(x[g, :]^2) + eps)) for g < groups. With
   * groups = rows it is the layer norm; with groups = rows * heads on a [rows, heads*headDim]
   * buffer it is Qwen3's per-head q_norm/k_norm. {@code out} may be {@code x}.
   */
  void rmsNorm(DeviceBuffer x, DeviceWeight weight, DeviceBuffer out, int groups, float eps);

  /**
   * Rotate-half RoPE in place on x = [layout.rows(), heads, rope.headDim()]: for each row r with
   * position p = layout.positions()[r] and i < headDim/2, with angle = p * invFreq[i],
   * c = cos(angle) * attentionScaling, s = sin(angle) * attentionScaling:
   * x[i] <- x[i]*c - x[i+d/2]*s and x[i+d/2] <- x[i+d/2]*c + x[i]*s.
   */
  void rope(DeviceBuffer x, int heads, RopeTable rope, BatchLayout layout);

  /**
   * Writes each row's k and v ([rows, kvHeads * headDim]) into its cache slot
   * {@code layout.slots()[r]} of layer {@code layer} (the slice-local layer index).
   */
  void kvWrite(KvStore kv, int layer, DeviceBuffer k, DeviceBuffer v, BatchLayout layout);

  /**
   * Causal GQA attention for every row of the batch over its own sequence's cache: row r of
   * sequence s = layout.rowSequence()[r] at position p attends to positions 0..p of s (which
   * must already be written). q and out are [rows, heads * headDim]; query head h reads KV head
   * h / (heads / kvHeads). Scores are scaled by 1/sqrt(headDim); softmax in fp32.
   */
  void attention(KvStore kv, int layer, DeviceBuffer q, DeviceBuffer out, int heads,
      BatchLayout layout);

  /** out[i] = silu(gate[i]) * up[i] for i < count, silu(x) = x / (1 + exp(-x)). */
  void siluMul(DeviceBuffer gate, DeviceBuffer up, DeviceBuffer out, long count);

  /** x[i] += y[i] for i < count (the residual connection). */
  void add(DeviceBuffer x, DeviceBuffer y, long count);

  /** dst[j, :] = src[rows[j], :] for j < rows.length; rows are {@code width} floats wide. */
  void gatherRows(DeviceBuffer src, int[] rows, int width, DeviceBuffer dst);

  /** Releases everything this backend still holds (buffers, weights, KV stores, threads). */
  @Override
  void close();
}
