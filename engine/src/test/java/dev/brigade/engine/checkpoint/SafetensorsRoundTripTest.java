package dev.brigade.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.model.ConfigJson;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.TinyModel;
import dev.brigade.engine.numeric.Dequantize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

  /** One tensor of each dtype, with odd sizes so later tensors start unaligned. */
  static List<SafetensorsWriter.Tensor> sampleTensors() {
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    tensors.add(SafetensorsWriter.Tensor.ofFloats("a.f8", DType.F8_E4M3, new long[] {3, 5},
        values(15, 0.5f)));
    tensors.add(SafetensorsWriter.Tensor.ofFloats("b.bf16", DType.BF16, new long[] {7},
        values(7, 1.5f)));
    tensors.add(SafetensorsWriter.Tensor.ofFloats("c.f32", DType.F32, new long[] {2, 3},
        values(6, -2.25f)));
    tensors.add(SafetensorsWriter.Tensor.ofFloats("d.f16", DType.F16, new long[] {1, 1, 3},
        values(3, 0.125f)));
    tensors.add(SafetensorsWriter.Tensor.ofFloats("e.empty", DType.F32, new long[] {0, 4},
        new float[0]));
    return tensors;
  }

  /** Values exactly representable in every dtype used above. */
  static float[] values(int n, float step) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = step * (i - n / 2);
    }
    return v;
  }

  static Path modelDir(Path dir) {
    ConfigJson.write(TinyModel.config(false), dir);
    return dir;
  }

  @Test
  void singleFileRoundTrip(@TempDir Path dir) {
    SafetensorsWriter.writeModel(modelDir(dir), sampleTensors(), Long.MAX_VALUE);
    assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    assertFalse(Files.exists(dir.resolve("model.safetensors.index.json")));
    try (SafetensorsCheckpoint ckpt = Checkpoints.open(dir)) {
      assertFalse(ckpt.isSharded());
      assertEquals(List.of("a.f8", "b.bf16", "c.f32", "d.f16", "e.empty"),
          List.copyOf(ckpt.tensorNames()));
      assertSameAsWritten(ckpt);
    }
  }

  @Test
  void shardedRoundTrip(@TempDir Path dir) throws IOException {
    List<Path> files = SafetensorsWriter.writeModel(modelDir(dir), sampleTensors(), 20);
    assertTrue(files.contains(dir.resolve("model.safetensors.index.json")));
    try (Stream<Path> list = Files.list(dir)) {
      assertEquals(4, list.filter(p -> p.getFileName().toString().matches(
          "model-0000\\d-of-00004\\.safetensors")).count());
    }
    try (SafetensorsCheckpoint ckpt = Checkpoints.open(dir)) {
      assertTrue(ckpt.isSharded());
      assertEquals(4, ckpt.files().size());
      assertSameAsWritten(ckpt);
    }
  }

  @Test
  void headerIsEightByteAlignedAndLittleEndian(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("x.safetensors");
    SafetensorsWriter.writeFile(file, sampleTensors());
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = 0;
    for (int i = 7; i >= 0; i--) {
      headerLength = (headerLength << 8) | (bytes[i] & 0xFF);
    }
    assertEquals(0, headerLength % 8);
    String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);
    assertEquals(8 + headerLength + 15 + 14 + 24 + 6, bytes.length);
  }

  private static void assertSameAsWritten(Checkpoint ckpt) {
    assertArrayEquals(values(15, 0.5f), Dequantize.toFloats(ckpt.tensor("a.f8", 3, 5)));
    assertArrayEquals(values(7, 1.5f), Dequantize.toFloats(ckpt.tensor("b.bf16", 7)));
    assertArrayEquals(values(6, -2.25f), Dequantize.toFloats(ckpt.tensor("c.f32")));
    assertArrayEquals(values(3, 0.125f), Dequantize.toFloats(ckpt.tensor("d.f16", 1, 1, 3)));
    assertEquals(DType.F16, ckpt.tensor("d.f16").dtype());
    assertEquals(0, ckpt.tensor("e.empty", 0, 4).bytes().byteSize());
    assertTrue(ckpt.tensor("c.f32").file().getFileName().toString().endsWith(".safetensors"));
  }
}
