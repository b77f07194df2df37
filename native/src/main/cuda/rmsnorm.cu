// RMSNorm over groups of dim values, fp32: out[g, j] = w[j] * (x[g, j] * rsqrt(mean(x[g]^2) + eps)).
// groups = rows for the layer norm, rows * heads for Qwen3's per-head q/k norm. out may be x.
// One block per group; thread t sums squares of j = t, t + blockDim, ... in order, then a
// fixed butterfly per warp and warp 0 adds the warp sums in order: the result for a group
// depends on dim and blockDim (chosen from dim alone), never on the batch.
#include "common.cuh"

// grid (groups), block (threads: a multiple of 32, at most 1024, chosen from dim)
extern "C" __global__ void rmsnorm(const float* x, const void* w, int wDtype, float* out,
    int dim, float eps) {
  __shared__ float warpSums[32];
  __shared__ float inverseRms;
  long long base = (long long) blockIdx.x * dim;
  float s = 0.0f;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    float v = x[base + j];
    s = fmaf(v, v, s);
  }
  s = warp_sum(s);
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  if (lane == 0) {
    warpSums[warp] = s;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    float total = 0.0f;
    for (int k = 0; k < (int) (blockDim.x >> 5); k++) {
      total += warpSums[k];
    }
    inverseRms = 1.0f / sqrtf(total / dim + eps);
  }
  __syncthreads();
  float inv = inverseRms;
  for (int j = threadIdx.x; j < dim; j += blockDim.x) {
    out[base + j] = weight_at(w, wDtype, j) * (x[base + j] * inv);
  }
}
