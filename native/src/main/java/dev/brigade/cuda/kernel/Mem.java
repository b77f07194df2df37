package dev.brigade.cuda.kernel;

/**
 * A region of device memory as the launch plans see it: an opaque handle (a JCuda
 * {@code CUdeviceptr} in the real backend) and its size, so every plan can check that the
 * kernel stays inside the memory it is given.
 */
public record Mem(String name, Object handle, long bytes) {
  public Mem {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size for " + name);
    }
  }
}
