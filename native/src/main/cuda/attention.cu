// Causal GQA attention over the paged KV cache, for a batch whose rows belong to different
// sequences (prefill chunks and decode steps alike). Row r of sequence s = rowSequence[r] at
// position p attends to positions 0..p of s; slot of (s, t) = blockTables[s * maxBlocks +
// t / blockSize] * blockSize + t % blockSize. q and out are [rows, heads, headDim]; query head
// h reads KV head h / (heads / kvHeads); the store is [layer][slot][kvHead][headDim].
//
// One warp per (row, head), walking t = 0..p in order with an online softmax in fp32 (running
// max m, running sum l, accumulator acc): the order depends only on the row's own position,
// so a row's result never depends on the batch. Lane l owns dims l, l + 32, ... (headDim <=
// 256).
#include "common.cuh"

#define MAX_DIMS_PER_LANE 8

__device__ __forceinline__ float kv_at(const void* store, int bf16, long long i) {
  return bf16 ? bf16_to_f32(((const uint16_t*) store)[i]) : ((const float*) store)[i];
}

// grid (rows, ceil(heads / 4)), block 128 (4 warps, one query head each)
extern "C" __global__ void attention(const float* q, float* out, const void* keys,
    const void* values, int bf16, long long layerBase, const int* positions,
    const int* rowSequence, const int* blockTables, int maxBlocks, int blockSize, int heads,
    int kvHeads, int headDim) {
  int r = blockIdx.x;
  int h = blockIdx.y * 4 + (threadIdx.x >> 5);
  int lane = threadIdx.x & 31;
  if (h >= heads) {
    return;
  }
  int kvHead = h / (heads / kvHeads);
  int seq = rowSequence[r];
  int pos = positions[r];
  long long qBase = ((long long) r * heads + h) * headDim;
  float qv[MAX_DIMS_PER_LANE];
  float acc[MAX_DIMS_PER_LANE];
  for (int k = 0; k < MAX_DIMS_PER_LANE; k++) {
    int i = lane + 32 * k;
    qv[k] = i < headDim ? q[qBase + i] : 0.0f;
    acc[k] = 0.0f;
  }
  float scale = 1.0f / sqrtf((float) headDim);
  float m = -INFINITY;
  float l = 0.0f;
  for (int t = 0; t <= pos; t++) {
    int slot = blockTables[(long long) seq * maxBlocks + t / blockSize] * blockSize
        + t % blockSize;
    long long kvBase = layerBase + ((long long) slot * kvHeads + kvHead) * headDim;
    float dot = 0.0f;
    for (int k = 0; k < MAX_DIMS_PER_LANE; k++) {
      int i = lane + 32 * k;
      if (i < headDim) {
        dot = fmaf(qv[k], kv_at(keys, bf16, kvBase + i), dot);
      }
    }
    float score = warp_sum(dot) * scale;
    float mNew = fmaxf(m, score);
    float correction = expf(m - mNew);   // exp(-inf) = 0 on the first step
    float p = expf(score - mNew);
    l = l * correction + p;
    for (int k = 0; k < MAX_DIMS_PER_LANE; k++) {
      int i = lane + 32 * k;
      if (i < headDim) {
        acc[k] = acc[k] * correction + p * kv_at(values, bf16, kvBase + i);
      }
    }
    m = mNew;
  }
  for (int k = 0; k < MAX_DIMS_PER_LANE; k++) {
    int i = lane + 32 * k;
    if (i < headDim) {
      out[qBase + i] = acc[k] / l;
    }
  }
}
