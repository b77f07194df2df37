package dev.brigade.engine.checkpoint;

import dev.brigade.engine.model.ModelConfig;
import java.nio.file.Path;
import java.util.Set;

/**
 * Read access to a model's configuration and tensors. Tensors are resolved lazily, so a slice
 * that asks only for its own layers touches only those bytes.
 */
public interface Checkpoint extends AutoCloseable {

  ModelConfig config();

  /** The folder the checkpoint lives in (null for in-memory checkpoints). */
  Path dir();

  Set<String> tensorNames();

  boolean has(String name);

  /**
   * The tensor called {@code name}. Throws {@link CheckpointException} naming the file and
   * tensor when it is missing, or when {@code expectedShape} is given and differs.
   */
  TensorData tensor(String name, long... expectedShape);

  @Override
  void close();
}
