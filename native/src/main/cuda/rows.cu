// Row copies: embedding lookup and gathering rows of an activation buffer.
#include "common.cuh"

// out[r, j] = table[tokens[r], j] as f32 (FP8 times its 128x128 block scale); table
// [vocab, width]. Token ids are checked on the host. grid (ceil(width / 256), count), block 256
extern "C" __global__ void embed(const void* table, int dtype, const float* scales,
    int scaleCols, const int* tokens, float* out, int width) {
  int r = blockIdx.y;
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= width) {
    return;
  }
  long long t = tokens[r];
  float v = weight_at(table, dtype, t * width + j);
  if (dtype == DT_FP8) {
    v *= scales[(t / 128) * scaleCols + j / 128];
  }
  out[(long long) r * width + j] = v;
}

// dst[k, :] = src[rows[k], :], rows width floats wide. grid (ceil(width / 256), count), block 256
extern "C" __global__ void gather_rows(const float* src, const int* rows, float* dst,
    int width) {
  int k = blockIdx.y;
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j < width) {
    dst[(long long) k * width + j] = src[(long long) rows[k] * width + j];
  }
}
