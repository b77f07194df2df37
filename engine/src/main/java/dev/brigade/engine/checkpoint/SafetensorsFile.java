package dev.brigade.engine.checkpoint;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One safetensors file, memory-mapped whole into an arena (so files over 2 GB work). Mapping
 * touches no data; only the pages of tensors actually read are ever faulted in.
 */
final class SafetensorsFile {
  private final Path file;
  private final MemorySegment contents;
  private final SafetensorsHeader header;

  private SafetensorsFile(Path file, MemorySegment contents, SafetensorsHeader header) {
    this.file = file;
    this.contents = contents;
    this.header = header;
  }

  /** Maps {@code file} into {@code arena}; the mapping lives until the arena closes. */
  static SafetensorsFile map(Path file, Arena arena) {
    MemorySegment contents;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      contents = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + " not found");
    } catch (IOException e) {
      throw new CheckpointException("cannot map " + file + ": " + e.getMessage(), e);
    }
    return new SafetensorsFile(file, contents, SafetensorsHeader.parse(file, contents));
  }

  Path path() {
    return file;
  }

  Set<String> names() {
    return header.rawEntries().keySet();
  }

  boolean has(String name) {
    return header.has(name);
  }

  TensorData tensor(String name) {
    SafetensorsHeader.Entry e = header.entry(name);
    return new TensorData(name, e.dtype(), e.shape(), contents.asSlice(e.start(), e.length()), file);
  }
}
