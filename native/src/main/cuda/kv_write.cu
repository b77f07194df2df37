// Writes each row's k and v [rows, kvHeads * headDim] into its KV slot. The store is
// [layer][slot][kvHead][headDim] (so a slot's row is width = kvHeads * headDim contiguous
// values), f32 or bf16 (rounded to nearest even). Slots are checked on the host.
#include "common.cuh"

// grid (ceil(width / 256), rows), block 256
extern "C" __global__ void kv_write(const float* k, const float* v, void* keys, void* values,
    int bf16, const int* slots, long long layerBase, int width) {
  int r = blockIdx.y;
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= width) {
    return;
  }
  long long at = layerBase + (long long) slots[r] * width + j;
  float kv = k[(long long) r * width + j];
  float vv = v[(long long) r * width + j];
  if (bf16) {
    ((uint16_t*) keys)[at] = f32_to_bf16(kv);
    ((uint16_t*) values)[at] = f32_to_bf16(vv);
  } else {
    ((float*) keys)[at] = kv;
    ((float*) values)[at] = vv;
  }
}
