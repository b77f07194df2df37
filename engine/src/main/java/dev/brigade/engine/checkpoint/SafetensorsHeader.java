package dev.brigade.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.model.DType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header of one safetensors file: an 8-byte little-endian length, then that many bytes of
 * JSON mapping tensor names to {dtype, shape, data_offsets} (offsets relative to the end of the
 * header), plus an optional {@code __metadata__} entry. Entries are checked one by one when
 * asked for, so a slice never trips over tensors it does not use.
 */
final class SafetensorsHeader {
  /** Real headers are a few hundred KiB; anything near this is corruption, not a model. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final long fileSize;
  private final long dataStart;
  private final Map<String, JsonNode> entries;

  /** A checked entry: where its bytes are, relative to the start of the file. */
  record Entry(String name, DType dtype, long[] shape, long start, long length) {}

  private SafetensorsHeader(Path file, long fileSize, long dataStart, Map<String, JsonNode> entries) {
    this.file = file;
    this.fileSize = fileSize;
    this.dataStart = dataStart;
    this.entries = entries;
  }

  static SafetensorsHeader parse(Path file, MemorySegment contents) {
    long size = contents.byteSize();
    if (size < 8) {
      throw new CheckpointException(
          file + ": truncated file (" + size + " bytes, the 8-byte header length is missing)");
    }
    long headerLength = contents.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw new CheckpointException(
          file + ": header length " + Long.toUnsignedString(headerLength)
              + " is absurd (limit " + MAX_HEADER_BYTES + " bytes); not a safetensors file?");
    }
    if (headerLength > size - 8) {
      throw new CheckpointException(
          file + ": truncated file: header needs " + headerLength + " bytes but only "
              + (size - 8) + " follow the length");
    }
    byte[] text = contents.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new CheckpointException(file + ": header is not JSON: " + firstLine(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(file + ": header is not a JSON object");
    }
    Map<String, JsonNode> entries = new LinkedHashMap<>();
    root.properties().forEach(e -> {
      if (!e.getKey().equals("__metadata__")) {
        entries.put(e.getKey(), e.getValue());
      }
    });
    return new SafetensorsHeader(file, size, 8 + headerLength, entries);
  }

  Map<String, JsonNode> rawEntries() {
    return Collections.unmodifiableMap(entries);
  }

  boolean has(String name) {
    return entries.containsKey(name);
  }

  /** The checked entry for {@code name}; every inconsistency is an error naming file and tensor. */
  Entry entry(String name) {
    JsonNode node = entries.get(name);
    if (node == null) {
      throw new CheckpointException("missing tensor " + name + " in " + file);
    }
    if (!node.isObject()) {
      throw bad(name, "header entry is not an object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw bad(name, "has no dtype");
    }
    DType dtype = DType.fromSafetensors(dtypeNode.asText());
    if (dtype == null) {
      throw bad(name, "has unknown dtype " + dtypeNode.asText()
          + " (supported: BF16, F16, F32, F8_E4M3)");
    }
    long[] shape = shape(name, node.get("shape"));
    JsonNode offsets = node.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2
        || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()
        || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
      throw bad(name, "data_offsets must be [begin, end], got " + offsets);
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    long available = fileSize - dataStart;
    if (begin < 0 || end < begin) {
      throw bad(name, "data_offsets [" + begin + ", " + end + "] are not an ordered range");
    }
    if (end > available) {
      throw bad(name, "data_offsets [" + begin + ", " + end + "] lie outside the file (data"
          + " section holds " + available + " bytes; truncated file?)");
    }
    long expected = byteLength(name, dtype, shape);
    if (end - begin != expected) {
      throw bad(name, "data_offsets span " + (end - begin) + " bytes but " + dtype
          + " " + Arrays.toString(shape) + " needs " + expected);
    }
    return new Entry(name, dtype, shape, dataStart + begin, expected);
  }

  private long[] shape(String name, JsonNode node) {
    if (node == null || !node.isArray()) {
      throw bad(name, "has no shape array");
    }
    long[] shape = new long[node.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = node.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
        throw bad(name, "shape " + node + " has a bad dimension");
      }
      shape[i] = d.asLong();
    }
    return shape;
  }

  private long byteLength(String name, DType dtype, long[] shape) {
    try {
      long n = dtype.bytes();
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    } catch (ArithmeticException e) {
      throw bad(name, "shape " + Arrays.toString(shape) + " overflows");
    }
  }

  private CheckpointException bad(String name, String problem) {
    return new CheckpointException("tensor " + name + " in " + file + ": " + problem);
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
