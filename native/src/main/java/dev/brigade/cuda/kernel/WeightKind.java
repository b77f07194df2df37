package dev.brigade.cuda.kernel;

import dev.brigade.engine.model.DType;

/** Weight dtypes as the kernels number them (DT_* in common.cuh) and name them. */
public enum WeightKind {
  BF16(0, "bf16", 2),
  F16(1, "f16", 2),
  F32(2, "f32", 4),
  FP8(3, "fp8", 1);

  public final int code;
  public final String suffix;
  public final int bytes;

  WeightKind(int code, String suffix, int bytes) {
    this.code = code;
    this.suffix = suffix;
    this.bytes = bytes;
  }

  public static WeightKind of(DType dtype) {
    return switch (dtype) {
      case BF16 -> BF16;
      case F16 -> F16;
      case F32 -> F32;
      case F8_E4M3 -> FP8;
    };
  }
}
