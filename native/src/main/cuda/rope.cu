// Rotate-half RoPE in place on x [rows, heads, headDim]. cosSin is [rows, half, 2] f32: the
// host fills it from RopeTable.cos/sin at each row's position (times the attention scaling),
// so the angles are exactly the oracle's. The rotation runs in double, as the oracle does:
// x[i] <- x[i] c - x[i+half] s, x[i+half] <- x[i+half] c + x[i] s.
#include "common.cuh"

// grid (ceil(rows * heads * half / 256)), block 256
extern "C" __global__ void rope(float* x, const float* cosSin, int rows, int heads, int half) {
  long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;
  long long total = (long long) rows * heads * half;
  if (t >= total) {
    return;
  }
  int i = (int) (t % half);
  long long rh = t / half;          // row * heads + head
  int r = (int) (rh / heads);
  long long base = rh * 2 * half;
  double c = cosSin[((long long) r * half + i) * 2];
  double s = cosSin[((long long) r * half + i) * 2 + 1];
  double a = x[base + i];
  double b = x[base + i + half];
  x[base + i] = (float) (a * c - b * s);
  x[base + i + half] = (float) (b * c + a * s);
}
