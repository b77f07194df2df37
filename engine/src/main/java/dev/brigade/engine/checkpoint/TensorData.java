package dev.brigade.engine.checkpoint;

import dev.brigade.engine.model.DType;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One tensor as stored: little-endian bytes in a (usually memory-mapped) segment, row-major
 * with the last dimension fastest.
 *
 * @param file the file the bytes come from, for error messages (null for in-memory tensors)
 */
public record TensorData(String name, DType dtype, long[] shape, MemorySegment bytes, Path file) {
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
