package dev.brigade.engine.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.numeric.FloatCodec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes safetensors files: one file, or a model folder's shards plus
 * {@code model.safetensors.index.json}. Tensor bytes are produced straight into the mapped
 * output by each tensor's {@code fill}, so writing a multi-GB preset never holds it on the heap.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  /** A tensor to write; {@code fill} writes exactly {@link #byteSize()} bytes into its segment. */
  public record Tensor(String name, DType dtype, long[] shape, Consumer<MemorySegment> fill) {
    public long byteSize() {
      long n = dtype.bytes();
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    /** A tensor whose little-endian bytes are already at hand. */
    public static Tensor of(String name, DType dtype, long[] shape, byte[] bytes) {
      Tensor t = new Tensor(name, dtype, shape.clone(), s -> MemorySegment.copy(
          MemorySegment.ofArray(bytes), 0, s, 0, bytes.length));
      if (t.byteSize() != bytes.length) {
        throw new IllegalArgumentException("tensor " + name + ": " + dtype + " "
            + Arrays.toString(shape) + " needs " + t.byteSize() + " bytes, got " + bytes.length);
      }
      return t;
    }

    /** A tensor from floats, rounded to {@code dtype} (nearest, ties to even). */
    public static Tensor ofFloats(String name, DType dtype, long[] shape, float[] values) {
      return of(name, dtype, shape, FloatCodec.encode(values, dtype));
    }
  }

  /** Writes one safetensors file holding {@code tensors} in the given order. */
  public static void writeFile(Path file, List<Tensor> tensors) {
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Tensor t : tensors) {
      if (t.name().equals("__metadata__") || header.has(t.name())) {
        throw new IllegalArgumentException("duplicate or reserved tensor name " + t.name());
      }
      ObjectNode entry = header.putObject(t.name());
      entry.put("dtype", t.dtype().safetensorsName());
      var shape = entry.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      entry.putArray("data_offsets").add(offset).add(offset + t.byteSize());
      offset += t.byteSize();
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8; // keep the data section 8-byte aligned, as HF does
    byte[] headerBytes = Arrays.copyOf(json, padded);
    Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
    long total = 8 + padded + offset;

    Path tmp = file.resolveSibling(file.getFileName() + ".partial");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ,
              StandardOpenOption.WRITE);
          Arena arena = Arena.ofShared()) { // fills may run on several threads
        MemorySegment out = channel.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
        out.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, padded);
        MemorySegment.copy(MemorySegment.ofArray(headerBytes), 0, out, 8, padded);
        long at = 8 + padded;
        for (Tensor t : tensors) {
          t.fill().accept(out.asSlice(at, t.byteSize()));
          at += t.byteSize();
        }
        out.force();
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a model's tensors into {@code dir}: {@code model.safetensors} when they fit in
   * {@code maxShardBytes}, else shards {@code model-0000i-of-0000n.safetensors} of at most that
   * size (a bigger tensor gets a shard of its own) plus the index. Returns the files written.
   */
  public static List<Path> writeModel(Path dir, List<Tensor> tensors, long maxShardBytes) {
    List<List<Tensor>> shards = new ArrayList<>();
    List<Tensor> current = new ArrayList<>();
    long currentBytes = 0;
    long totalBytes = 0;
    for (Tensor t : tensors) {
      if (!current.isEmpty() && currentBytes + t.byteSize() > maxShardBytes) {
        shards.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(t);
      currentBytes += t.byteSize();
      totalBytes += t.byteSize();
    }
    shards.add(current);
    if (shards.size() == 1) {
      Path file = dir.resolve(Checkpoints.SINGLE_FILE);
      writeFile(file, shards.getFirst());
      return List.of(file);
    }
    List<Path> files = new ArrayList<>();
    Map<String, String> weightMap = new TreeMap<>();
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      Path file = dir.resolve(name);
      writeFile(file, shards.get(i));
      files.add(file);
      for (Tensor t : shards.get(i)) {
        weightMap.put(t.name(), name);
      }
    }
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", totalBytes);
    ObjectNode map = index.putObject("weight_map");
    weightMap.forEach(map::put);
    Path indexFile = dir.resolve(Checkpoints.INDEX_FILE);
    try {
      Files.writeString(indexFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index) + "\n");
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + indexFile + ": " + e.getMessage(), e);
    }
    files.add(indexFile);
    return files;
  }
}
