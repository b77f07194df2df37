package dev.brigade.cuda.kernel;

import dev.brigade.cuda.kernel.Arg.F32;
import dev.brigade.cuda.kernel.Arg.I32;
import dev.brigade.cuda.kernel.Arg.I64;
import dev.brigade.cuda.kernel.Arg.Ptr;
import java.util.List;

/**
 * The launch plan of every kernel in src/main/cuda: grid and block from the shapes, arguments
 * in the kernel's order, and the bytes each pointer argument will be read or written through.
 * Shapes and comments mirror the .cu files.
 */
public final class Kernels {
  /** Rows a prefill matmul tile shares one pass over the weights (R in matmul.cu). */
  public static final int MATMUL_TILE_ROWS = 8;
  /** Warps (output rows) per matmul block (WARPS in matmul.cu). */
  public static final int MATMUL_WARPS = 4;
  /** Largest head size the attention kernel holds in registers (32 lanes x 8). */
  public static final int MAX_HEAD_DIM = 256;
  static final int FP8_BLOCK = 128;
  private static final int ELEMENTWISE_BLOCK = 256;

  /** Every module and the kernels it must contain. */
  public static final List<List<String>> MODULES = List.of(
      List.of("matmul", "matmul_bf16_r1", "matmul_bf16_r8", "matmul_f16_r1", "matmul_f16_r8",
          "matmul_f32_r1", "matmul_f32_r8", "matmul_fp8_r1", "matmul_fp8_r8"),
      List.of("rmsnorm", "rmsnorm"),
      List.of("rope", "rope"),
      List.of("attention", "attention"),
      List.of("elementwise", "silu_mul", "add_inplace"),
      List.of("rows", "embed", "gather_rows"),
      List.of("kv_write", "kv_write"));

  private Kernels() {}

  /**
   * out [rows, outDim] = x [rows, in] times w [outDim, in]^T. One row uses the GEMV-shaped
   * decode kernel (R = 1), more rows the tiled kernel (R = 8); both sum in the same order.
   * {@code scales} is the FP8 weight's f32 [ceil(outDim/128), ceil(in/128)] block scales
   * (ignored for other kinds; pass any memory).
   */
  public static LaunchPlan matmul(WeightKind kind, Mem w, Mem scales, Mem x, Mem out, int rows,
      int outDim, int in) {
    positive(rows, "matmul rows");
    int scaleCols = (in + FP8_BLOCK - 1) / FP8_BLOCK;
    long scaleBytes = kind == WeightKind.FP8
        ? 4L * ((outDim + FP8_BLOCK - 1) / FP8_BLOCK) * scaleCols : 0;
    int tile = rows == 1 ? 1 : MATMUL_TILE_ROWS;
    return new LaunchPlan("matmul", "matmul_" + kind.suffix + "_r" + tile,
        LaunchPlan.blocks(outDim, MATMUL_WARPS, "matmul outputs"),
        LaunchPlan.blocks(rows, tile, "matmul rows"), 1, 32 * MATMUL_WARPS, List.of(
            new Ptr("weight", w, 0, (long) outDim * in * kind.bytes),
            new Ptr("scales", scales, 0, scaleBytes),
            new Ptr("x", x, 0, 4L * rows * in),
            new Ptr("out", out, 0, 4L * rows * outDim),
            new I32("rows", rows), new I32("outDim", outDim), new I32("in", in),
            new I32("scaleCols", scaleCols)));
  }

  /** RMSNorm of {@code groups} groups of {@code dim} values; out may be x. */
  public static LaunchPlan rmsNorm(Mem x, WeightKind kind, Mem w, Mem out, int groups, int dim,
      float eps) {
    positive(groups, "rmsNorm groups");
    positive(dim, "rmsNorm width");
    int threads = Math.min(256, (dim + 31) / 32 * 32);
    return new LaunchPlan("rmsnorm", "rmsnorm", groups, 1, 1, threads, List.of(
        new Ptr("x", x, 0, 4L * groups * dim),
        new Ptr("weight", w, 0, (long) dim * kind.bytes),
        new I32("weightDtype", kind.code),
        new Ptr("out", out, 0, 4L * groups * dim),
        new I32("dim", dim), new F32("eps", eps)));
  }

  /** RoPE in place on x [rows, heads, 2 * half]; cosSin is [rows, half, 2] f32. */
  public static LaunchPlan rope(Mem x, Mem cosSin, int rows, int heads, int half) {
    positive(rows, "rope rows");
    long total = (long) rows * heads * half;
    return new LaunchPlan("rope", "rope", LaunchPlan.blocks(total, ELEMENTWISE_BLOCK, "rope"),
        1, 1, ELEMENTWISE_BLOCK, List.of(
            new Ptr("x", x, 0, 4L * total * 2),
            new Ptr("cosSin", cosSin, 0, 4L * rows * half * 2),
            new I32("rows", rows), new I32("heads", heads), new I32("half", half)));
  }

  public static LaunchPlan siluMul(Mem gate, Mem up, Mem out, long count) {
    positive(count, "siluMul count");
    return new LaunchPlan("elementwise", "silu_mul",
        LaunchPlan.blocks(count, ELEMENTWISE_BLOCK, "siluMul"), 1, 1, ELEMENTWISE_BLOCK,
        List.of(new Ptr("gate", gate, 0, 4 * count), new Ptr("up", up, 0, 4 * count),
            new Ptr("out", out, 0, 4 * count), new I64("count", count)));
  }

  public static LaunchPlan add(Mem x, Mem y, long count) {
    positive(count, "add count");
    return new LaunchPlan("elementwise", "add_inplace",
        LaunchPlan.blocks(count, ELEMENTWISE_BLOCK, "add"), 1, 1, ELEMENTWISE_BLOCK,
        List.of(new Ptr("x", x, 0, 4 * count), new Ptr("y", y, 0, 4 * count),
            new I64("count", count)));
  }

  /**
   * out [count, width] = table [vocab, width] rows {@code tokens} (int32 on the device, ids
   * already checked). {@code scales} as for {@link #matmul}.
   */
  public static LaunchPlan embed(WeightKind kind, Mem table, Mem scales, long vocab, Mem tokens,
      Mem out, int count, int width) {
    positive(count, "embedding rows");
    int scaleCols = (width + FP8_BLOCK - 1) / FP8_BLOCK;
    long scaleBytes = kind == WeightKind.FP8
        ? 4L * ((vocab + FP8_BLOCK - 1) / FP8_BLOCK) * scaleCols : 0;
    return new LaunchPlan("rows", "embed", LaunchPlan.blocks(width, ELEMENTWISE_BLOCK, "embed"),
        count, 1, ELEMENTWISE_BLOCK, List.of(
            new Ptr("table", table, 0, vocab * width * kind.bytes),
            new I32("dtype", kind.code),
            new Ptr("scales", scales, 0, scaleBytes),
            new I32("scaleCols", scaleCols),
            new Ptr("tokens", tokens, 0, 4L * count),
            new Ptr("out", out, 0, 4L * count * width),
            new I32("width", width)));
  }

  /** dst [count, width] = src rows {@code rows} (int32 on the device, checked against srcRows). */
  public static LaunchPlan gatherRows(Mem src, long srcRows, Mem rows, Mem dst, int count,
      int width) {
    positive(count, "gathered rows");
    return new LaunchPlan("rows", "gather_rows",
        LaunchPlan.blocks(width, ELEMENTWISE_BLOCK, "gatherRows"), count, 1, ELEMENTWISE_BLOCK,
        List.of(new Ptr("src", src, 0, 4L * srcRows * width),
            new Ptr("rows", rows, 0, 4L * count),
            new Ptr("dst", dst, 0, 4L * count * width),
            new I32("width", width)));
  }

  /**
   * Writes k and v [rows, width] into the slots (int32 on the device) of one layer of a KV store
   * [layers][slots][width]; elementBytes 4 (f32) or 2 (bf16).
   */
  public static LaunchPlan kvWrite(Mem k, Mem v, Mem keys, Mem values, int elementBytes,
      Mem slots, int layer, long storeSlots, int rows, int width) {
    positive(rows, "kvWrite rows");
    long layerBase = layer * storeSlots * width;
    return new LaunchPlan("kv_write", "kv_write",
        LaunchPlan.blocks(width, ELEMENTWISE_BLOCK, "kvWrite"), rows, 1, ELEMENTWISE_BLOCK,
        List.of(new Ptr("k", k, 0, 4L * rows * width), new Ptr("v", v, 0, 4L * rows * width),
            new Ptr("keys", keys, 0, (layerBase + storeSlots * width) * elementBytes),
            new Ptr("values", values, 0, (layerBase + storeSlots * width) * elementBytes),
            new I32("bf16", elementBytes == 2 ? 1 : 0),
            new Ptr("slots", slots, 0, 4L * rows),
            new I64("layerBase", layerBase), new I32("width", width)));
  }

  /**
   * Attention for {@code rows} rows: q and out [rows, heads, headDim]; positions and rowSequence
   * int32 [rows], blockTables int32 [sequences, maxBlocks] (device copies of the BatchLayout).
   */
  public static LaunchPlan attention(Mem q, Mem out, Mem keys, Mem values, int elementBytes,
      int layer, long storeSlots, Mem positions, Mem rowSequence, Mem blockTables,
      int sequences, int maxBlocks, int blockSize, int rows, int heads, int kvHeads,
      int headDim) {
    positive(rows, "attention rows");
    if (kvHeads <= 0 || heads % kvHeads != 0) {
      throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads
          + " KV heads");
    }
    if (headDim > MAX_HEAD_DIM) {
      throw new IllegalArgumentException("head dim " + headDim + " above the CUDA kernel's "
          + MAX_HEAD_DIM);
    }
    long width = (long) kvHeads * headDim;
    long layerBase = layer * storeSlots * width;
    return new LaunchPlan("attention", "attention", rows,
        LaunchPlan.blocks(heads, 4, "attention heads"), 1, 128, List.of(
            new Ptr("q", q, 0, 4L * rows * heads * headDim),
            new Ptr("out", out, 0, 4L * rows * heads * headDim),
            new Ptr("keys", keys, 0, (layerBase + storeSlots * width) * elementBytes),
            new Ptr("values", values, 0, (layerBase + storeSlots * width) * elementBytes),
            new I32("bf16", elementBytes == 2 ? 1 : 0),
            new I64("layerBase", layerBase),
            new Ptr("positions", positions, 0, 4L * rows),
            new Ptr("rowSequence", rowSequence, 0, 4L * rows),
            new Ptr("blockTables", blockTables, 0, 4L * sequences * maxBlocks),
            new I32("maxBlocks", maxBlocks), new I32("blockSize", blockSize),
            new I32("heads", heads), new I32("kvHeads", kvHeads), new I32("headDim", headDim)));
  }

  private static void positive(long n, String what) {
    if (n <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + n);
    }
  }
}
