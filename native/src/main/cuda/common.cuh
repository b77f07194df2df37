// Shared device helpers: dtype widening and fixed-order warp sums.
// Every kernel mirrors dev.brigade.engine.backend.ScalarBackend; this file holds the parts
// several op families need. Compiled without fast math, so subnormals are kept (no FTZ).
#pragma once
#include <stdint.h>

// Weight dtype codes, the same numbers as dev.brigade.cuda.kernel.WeightKind.
#define DT_BF16 0
#define DT_F16 1
#define DT_F32 2
#define DT_FP8 3

__device__ __forceinline__ float bf16_to_f32(uint16_t b) {
  return __uint_as_float(((uint32_t) b) << 16);
}

// IEEE half to f32, exact for every code (subnormals, inf, NaN).
__device__ __forceinline__ float f16_to_f32(uint16_t h) {
  float f;
  asm("{ .reg .b16 t; mov.b16 t, %1; cvt.f32.f16 %0, t; }" : "=f"(f) : "h"(h));
  return f;
}

// FP8 E4M3 (fn) to f32: move sign, exponent and mantissa into an f32 whose exponent field is
// the E4M3 one, then multiply by 2^120 (the bias difference 127 - 7). Exact for every finite
// code, subnormals included (they become f32 subnormals first, which is why no FTZ).
__device__ __forceinline__ float fp8_to_f32(uint8_t b) {
  uint32_t bits = ((uint32_t) (b & 0x80) << 24) | ((uint32_t) (b & 0x7F) << 20);
  return __uint_as_float(bits) * 0x1p120f;
}

// f32 to bf16, round to nearest even (NaN stays a quiet NaN), as Bf16.fromFloat.
__device__ __forceinline__ uint16_t f32_to_bf16(float f) {
  uint32_t u = __float_as_uint(f);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) {
    return (uint16_t) ((u >> 16) | 0x40);
  }
  u += 0x7FFFu + ((u >> 16) & 1u);
  return (uint16_t) (u >> 16);
}

// Element i of a weight stored as dtype (FP8 without its scale).
__device__ __forceinline__ float weight_at(const void* w, int dtype, long long i) {
  switch (dtype) {
    case DT_BF16: return bf16_to_f32(((const uint16_t*) w)[i]);
    case DT_F16: return f16_to_f32(((const uint16_t*) w)[i]);
    case DT_F32: return ((const float*) w)[i];
    default: return fp8_to_f32(((const uint8_t*) w)[i]);
  }
}

// Sum over the 32 lanes of a warp in a fixed butterfly order; every lane gets the same sum.
__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) {
    v += __shfl_xor_sync(0xFFFFFFFFu, v, o);
  }
  return v;
}
