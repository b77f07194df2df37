package dev.brigade.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.BackendParitySuite;

/**
 * Every op of the CUDA backend against the scalar oracle, for every dtype (the engine's shared
 * suite: matmul incl. partial FP8 blocks and every FP8/F16 code, batch invariance, RMSNorm per
 * row and per head, RoPE, kvWrite + attention over mixed batches with f32 and bf16 caches,
 * embedding, SiLU-mul, add, gather). Needs a GPU: skipped, with the reason, elsewhere.
 */
class CudaBackendParityTest extends BackendParitySuite {

  static void assumeCuda() {
    assumeTrue(CudaAvailability.available(), () -> "no CUDA device: " + CudaAvailability.reason());
  }

  @Override
  protected Backend createBackend() {
    assumeCuda();
    return new CudaBackend(CudaBackendProvider.deviceIndex());
  }

  @Override
  protected Backend createSingleThreadedBackend() {
    assumeCuda();
    return new CudaBackend(CudaBackendProvider.deviceIndex());
  }
}
