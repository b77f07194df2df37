// Matmul: out[r, o] = sum_i w[o, i] * x[r, i], w [outDim, in] in its stored dtype, x [rows, in]
// and out [rows, outDim] f32. FP8 weights carry f32 block scales [ceil(outDim/128),
// ceil(in/128)] and are dequantised here, inside the matmul.
//
// One warp per output o, for a tile of up to R rows (blockIdx.y picks the tile): the weight row
// is streamed once per tile and reused for every row in it. R = 1 is the decode (GEMV) path,
// R = 8 the tiled prefill path. Batch invariance: the reduction order for (r, o) depends only on
// the shapes, never on R, the tile or the batch: lane l accumulates, in order, the chunks
// i = c*32*V + l*V .. +V-1 (V elements per 16-byte load), each chunk summed in order and
// added to the lane's total (times the block scale for FP8); a scalar tail lane-strided
// after; then the fixed butterfly warp_sum. Rows that are not 16-byte multiples use the
// scalar path only (i = l + 32k), again independent of the batch.
#include "common.cuh"

#define WARPS 4

template <int DTYPE>
__device__ __forceinline__ void load_chunk(const void* w, long long at, float* dst);

// V = 8 bf16 / f16, 4 f32, 16 fp8 elements per 16-byte load.
template <> __device__ __forceinline__ void load_chunk<DT_BF16>(const void* w, long long at, float* d) {
  uint4 q = *(const uint4*) ((const uint16_t*) w + at);
  uint32_t p[4] = {q.x, q.y, q.z, q.w};
  for (int k = 0; k < 4; k++) {
    d[2 * k] = bf16_to_f32((uint16_t) (p[k] & 0xFFFF));
    d[2 * k + 1] = bf16_to_f32((uint16_t) (p[k] >> 16));
  }
}
template <> __device__ __forceinline__ void load_chunk<DT_F16>(const void* w, long long at, float* d) {
  uint4 q = *(const uint4*) ((const uint16_t*) w + at);
  uint32_t p[4] = {q.x, q.y, q.z, q.w};
  for (int k = 0; k < 4; k++) {
    d[2 * k] = f16_to_f32((uint16_t) (p[k] & 0xFFFF));
    d[2 * k + 1] = f16_to_f32((uint16_t) (p[k] >> 16));
  }
}
template <> __device__ __forceinline__ void load_chunk<DT_F32>(const void* w, long long at, float* d) {
  float4 q = *(const float4*) ((const float*) w + at);
  d[0] = q.x; d[1] = q.y; d[2] = q.z; d[3] = q.w;
}
template <> __device__ __forceinline__ void load_chunk<DT_FP8>(const void* w, long long at, float* d) {
  uint4 q = *(const uint4*) ((const uint8_t*) w + at);
  uint32_t p[4] = {q.x, q.y, q.z, q.w};
  for (int k = 0; k < 4; k++) {
    for (int b = 0; b < 4; b++) {
      d[4 * k + b] = fp8_to_f32((uint8_t) (p[k] >> (8 * b)));
    }
  }
}

template <int DTYPE, int R>
__device__ void matmul_tile(const void* w, const float* scales, const float* x, float* out,
    int rows, int outDim, int in, int scaleCols) {
  const int V = DTYPE == DT_F32 ? 4 : (DTYPE == DT_FP8 ? 16 : 8);
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * WARPS + (threadIdx.x >> 5);
  int r0 = blockIdx.y * R;
  if (o >= outDim) {
    return;
  }
  int n = min(R, rows - r0);
  float acc[R];
  for (int r = 0; r < R; r++) {
    acc[r] = 0.0f;
  }
  long long rowBase = (long long) o * in;
  const float* srow = DTYPE == DT_FP8 ? scales + (long long) (o / 128) * scaleCols : 0;
  // 16-byte loads need every weight row and x row to start on a 16-byte boundary
  bool vector = (in % V) == 0 && (in % 4) == 0;
  int vecEnd = vector ? (in / (32 * V)) * (32 * V) : 0;
  // unrolled so several 16-byte loads per lane are in flight (decode is bandwidth-bound); the
  // order of the additions is unchanged
#pragma unroll 4
  for (int c = lane * V; c < vecEnd; c += 32 * V) {
    float wv[V];
    load_chunk<DTYPE>(w, rowBase + c, wv);
    float scale = DTYPE == DT_FP8 ? srow[c / 128] : 1.0f;
    for (int r = 0; r < R; r++) {
      if (r < n) {
        const float4* xr = (const float4*) (x + (long long) (r0 + r) * in + c);
        float part = 0.0f;
        for (int k = 0; k < V / 4; k++) {
          float4 xv = xr[k];
          part = fmaf(wv[4 * k], xv.x, part);
          part = fmaf(wv[4 * k + 1], xv.y, part);
          part = fmaf(wv[4 * k + 2], xv.z, part);
          part = fmaf(wv[4 * k + 3], xv.w, part);
        }
        acc[r] = DTYPE == DT_FP8 ? fmaf(part, scale, acc[r]) : acc[r] + part;
      }
    }
  }
  // scalar tail (or the whole row when it is not 16-byte aligned)
  for (int i = vecEnd + lane; i < in; i += 32) {
    float wi = weight_at(w, DTYPE, rowBase + i);
    if (DTYPE == DT_FP8) {
      wi *= srow[i / 128];
    }
    for (int r = 0; r < R; r++) {
      if (r < n) {
        acc[r] = fmaf(wi, x[(long long) (r0 + r) * in + i], acc[r]);
      }
    }
  }
  for (int r = 0; r < R; r++) {
    float s = warp_sum(acc[r]);
    if (r < n && lane == 0) {
      out[(long long) (r0 + r) * outDim + o] = s;
    }
  }
}

// grid (ceil(outDim / 4), ceil(rows / R)), block 128
#define MATMUL_KERNEL(NAME, DTYPE, R)                                                   \
  extern "C" __global__ void __launch_bounds__(32 * WARPS) NAME(const void* w,          \
      const float* scales, const float* x, float* out, int rows, int outDim, int in,    \
      int scaleCols) {                                                                  \
    matmul_tile<DTYPE, R>(w, scales, x, out, rows, outDim, in, scaleCols);              \
  }

MATMUL_KERNEL(matmul_bf16_r1, DT_BF16, 1)
MATMUL_KERNEL(matmul_bf16_r8, DT_BF16, 8)
MATMUL_KERNEL(matmul_f16_r1, DT_F16, 1)
MATMUL_KERNEL(matmul_f16_r8, DT_F16, 8)
MATMUL_KERNEL(matmul_f32_r1, DT_F32, 1)
MATMUL_KERNEL(matmul_f32_r8, DT_F32, 8)
MATMUL_KERNEL(matmul_fp8_r1, DT_FP8, 1)
MATMUL_KERNEL(matmul_fp8_r8, DT_FP8, 8)
