package dev.brigade.engine.backend;

import dev.brigade.engine.model.DType;

/**
 * A weight tensor owned by a {@link Backend}, kept in its stored dtype. Shape is [rows, cols]
 * ([out, in] for a projection, [vocab, hidden] for an embedding, [1, dim] for a norm weight).
 */
public interface DeviceWeight extends AutoCloseable {

  String name();

  DType dtype();

  long rows();

  long cols();

  /** Bytes this weight occupies on the backend, FP8 block scales included. */
  long bytes();

  @Override
  void close();
}
