package dev.brigade.engine.backend;

/** CpuBackend (three threads, so work is really split) against the scalar oracle. */
class CpuBackendParityTest extends BackendParitySuite {

  @Override
  protected Backend createBackend() {
    return new CpuBackend(3);
  }

  @Override
  protected Backend createSingleThreadedBackend() {
    return new CpuBackend(1);
  }
}
