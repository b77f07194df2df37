package dev.brigade.cuda;

import dev.brigade.cuda.kernel.LaunchPlan;
import dev.brigade.cuda.kernel.Mem;
import java.lang.foreign.MemorySegment;

/**
 * What {@link CudaBackend} needs from a GPU: memory, copies and kernel launches by plan.
 * {@link CudaDevice} is the JCuda implementation; the adapter logic above it (argument checks,
 * scratch and layout uploads, plan choice) is the same for any implementation.
 */
interface Device extends AutoCloseable {

  int index();

  String name();

  /** {free, total} bytes. */
  long[] memoryInfo();

  /** Peak memory bandwidth in bytes/s. */
  double peakBandwidth();

  /** Zero-filled memory of at least {@code bytes} (and at least 4). */
  Mem allocate(String name, long bytes);

  void free(Mem mem);

  void copyIn(MemorySegment src, Mem dst, long offsetBytes);

  /** Waits for all queued work, then copies {@code dst.byteSize()} bytes out. */
  void copyOut(Mem src, long offsetBytes, MemorySegment dst);

  void launch(LaunchPlan plan);

  void synchronize();

  @Override
  void close();
}
