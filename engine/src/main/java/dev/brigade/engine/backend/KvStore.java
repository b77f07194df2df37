package dev.brigade.engine.backend;

/**
 * A paged KV store owned by a {@link Backend}: for each slice-local layer, K and V for
 * {@code numBlocks * blockSize} token slots per KV head. Which slot belongs to which sequence
 * is decided outside (see dev.brigade.engine.kv.PagedKvCache) and passed in a
 * {@link BatchLayout}.
 */
public interface KvStore extends AutoCloseable {

  KvGeometry geometry();

  /** Bytes this store occupies, K and V of every layer. */
  default long bytes() {
    return geometry().bytes();
  }

  @Override
  void close();
}
