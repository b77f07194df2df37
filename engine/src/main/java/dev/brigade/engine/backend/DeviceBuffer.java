package dev.brigade.engine.backend;

/** An f32 activation buffer owned by a {@link Backend}; opaque outside it. */
public interface DeviceBuffer extends AutoCloseable {

  /** Capacity in f32 values. */
  long floats();

  /** Returns the memory to the backend; the buffer must not be used afterwards. */
  @Override
  void close();
}
