package dev.brigade.engine.checkpoint;

import dev.brigade.engine.model.ModelConfig;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face checkpoint folder: one {@code model.safetensors} or shards listed in
 * {@code model.safetensors.index.json}. Shards are mapped the first time one of their tensors
 * is asked for, so a slice maps only the files that hold its layers. Tensors stay valid until
 * {@link #close()}. Thread-safe.
 */
public final class SafetensorsCheckpoint implements Checkpoint {
  private final Path dir;
  private final ModelConfig config;
  /** Tensor name to the file (relative to dir) that holds it, in checkpoint order. */
  private final Map<String, String> fileOf;
  /** The file that lists the tensors: the index, or the single safetensors file. */
  private final Path listing;
  private final boolean sharded;
  private final Arena arena = Arena.ofShared();
  private final Map<String, SafetensorsFile> mapped = new HashMap<>();
  private boolean closed;

  private SafetensorsCheckpoint(
      Path dir, ModelConfig config, Map<String, String> fileOf, Path listing, boolean sharded) {
    this.dir = dir;
    this.config = config;
    this.fileOf = fileOf;
    this.listing = listing;
    this.sharded = sharded;
  }

  /** A single-file checkpoint: the file is mapped now and its header lists the tensors. */
  static SafetensorsCheckpoint single(Path dir, ModelConfig config, String fileName) {
    SafetensorsCheckpoint checkpoint =
        new SafetensorsCheckpoint(dir, config, new LinkedHashMap<>(), dir.resolve(fileName), false);
    try {
      SafetensorsFile file = checkpoint.mapped(fileName);
      for (String name : file.names()) {
        checkpoint.fileOf.put(name, fileName);
      }
    } catch (RuntimeException e) {
      checkpoint.close();
      throw e;
    }
    return checkpoint;
  }

  /** A sharded checkpoint: the index's weight_map lists the tensors; shards map on demand. */
  static SafetensorsCheckpoint sharded(
      Path dir, ModelConfig config, Path indexFile, Map<String, String> weightMap) {
    return new SafetensorsCheckpoint(dir, config, new LinkedHashMap<>(weightMap), indexFile, true);
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  @Override
  public Path dir() {
    return dir;
  }

  @Override
  public Set<String> tensorNames() {
    return Collections.unmodifiableSet(fileOf.keySet());
  }

  @Override
  public boolean has(String name) {
    return fileOf.containsKey(name);
  }

  public boolean isSharded() {
    return sharded;
  }

  /** The files tensors come from (one, or every shard named in the index). */
  public Set<String> files() {
    return Set.copyOf(fileOf.values());
  }

  @Override
  public TensorData tensor(String name, long... expectedShape) {
    String fileName = fileOf.get(name);
    if (fileName == null) {
      throw new CheckpointException("missing tensor " + name + " in " + listing);
    }
    SafetensorsFile file;
    try {
      file = mapped(fileName);
    } catch (CheckpointException e) {
      throw new CheckpointException(e.getMessage() + " (needed for tensor " + name + ")", e);
    }
    if (!file.has(name)) {
      throw new CheckpointException("missing tensor " + name + " in " + file.path()
          + " (" + listing + " says it is there)");
    }
    TensorData tensor = file.tensor(name);
    if (expectedShape.length > 0 && !Arrays.equals(expectedShape, tensor.shape())) {
      throw new CheckpointException("tensor " + name + " in " + file.path() + " has shape "
          + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(expectedShape));
    }
    return tensor;
  }

  private synchronized SafetensorsFile mapped(String fileName) {
    if (closed) {
      throw new IllegalStateException("checkpoint " + dir + " is closed");
    }
    SafetensorsFile file = mapped.get(fileName);
    if (file == null) {
      Path path = dir.resolve(fileName);
      if (!Files.isRegularFile(path)) {
        throw new CheckpointException(path + " not found");
      }
      file = SafetensorsFile.map(path, arena);
      mapped.put(fileName, file);
    }
    return file;
  }

  /** Unmaps every file; tensors handed out before become unusable. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      mapped.clear();
      arena.close();
    }
  }
}
