package dev.brigade.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.numeric.Dequantize;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files past 2 GB: mapped through the foreign-memory API, not a 2 GB-limited ByteBuffer. */
class LargeFileTest {

  @Test
  void readsATensorPastTheTwoGigabyteMark(@TempDir Path dir) throws IOException {
    SafetensorsRoundTripTest.modelDir(dir);
    long pad = (1L << 31) + 100; // an F8 "tensor" that pushes the next one past 2^31
    String header = "{\"pad\":{\"dtype\":\"F8_E4M3\",\"shape\":[" + pad + "],\"data_offsets\":[0,"
        + pad + "]},\"tail\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + pad + ","
        + (pad + 16) + "]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    long dataStart = 8 + json.length;
    Path file = dir.resolve("model.safetensors");
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
      out.setLength(dataStart + pad + 16); // sparse: no disk blocks for the padding
      out.seek(dataStart + pad);
      ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      tail.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(1e-3f);
      out.write(tail.array());
    }
    try {
      assertTrue(Files.size(file) > (1L << 31));
      try (Checkpoint c = Checkpoints.open(dir)) {
        assertEquals(pad, c.tensor("pad").bytes().byteSize());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 1e-3f},
            Dequantize.toFloats(c.tensor("tail", 4)));
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
