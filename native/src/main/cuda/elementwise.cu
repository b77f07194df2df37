// Element-wise ops on f32 buffers of count values.
#include "common.cuh"

// out[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + exp(-x)), in double like the oracle.
// grid (ceil(count / 256)), block 256
extern "C" __global__ void silu_mul(const float* gate, const float* up, float* out,
    long long count) {
  long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) {
    double g = gate[i];
    out[i] = (float) (g / (1.0 + exp(-g)) * up[i]);
  }
}

// x[i] += y[i], the residual connection. grid (ceil(count / 256)), block 256
extern "C" __global__ void add_inplace(float* x, const float* y, long long count) {
  long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) {
    x[i] += y[i];
  }
}
