package dev.brigade.cuda;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.BackendProvider;

/**
 * The CUDA backend for the worker's {@code --backend auto|cuda}, found with ServiceLoader. The
 * device is {@code --device N}, passed as the system property {@value #DEVICE_PROPERTY}
 * (default 0); run one worker per GPU.
 */
public final class CudaBackendProvider implements BackendProvider {
  public static final String DEVICE_PROPERTY = "brigade.cuda.device";
  /** The environment variable read when the property is not set. */
  public static final String DEVICE_ENV = "BRIGADE_CUDA_DEVICE";

  @Override
  public String name() {
    return "cuda";
  }

  /** The device index this worker uses. */
  static int deviceIndex() {
    String v = System.getProperty(DEVICE_PROPERTY);
    if (v == null) {
      v = System.getenv().getOrDefault(DEVICE_ENV, "0");
    }
    v = v.trim();
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--device " + v + ": not a device number");
    }
  }

  @Override
  public String unavailableReason() {
    String why = CudaAvailability.reason();
    if (why != null) {
      return why;
    }
    int index;
    try {
      index = deviceIndex();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    int count = CudaAvailability.deviceCount();
    if (index < 0 || index >= count) {
      return "--device " + index + " is not present (this host has " + count
          + " CUDA device(s))";
    }
    return null;
  }

  @Override
  public String device() {
    try (CudaDevice d = new CudaDevice(deviceIndex(), false)) {
      long[] mem = d.memoryInfo();
      return String.format("%s (CUDA device %d, %.1f GiB free of %.1f GiB)", d.name(), d.index(),
          mem[0] / (double) (1L << 30), mem[1] / (double) (1L << 30));
    }
  }

  /** Free device memory now (cuMemGetInfo), the budget a worker's slice and KV cache share. */
  @Override
  public long deviceMemoryBytes() {
    try (CudaDevice d = new CudaDevice(deviceIndex(), false)) {
      return d.memoryInfo()[0];
    }
  }

  @Override
  public Backend create() {
    return new CudaBackend(deviceIndex());
  }
}
