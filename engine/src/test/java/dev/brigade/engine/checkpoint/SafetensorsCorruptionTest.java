package dev.brigade.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.numeric.SplitMix64;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every broken checkpoint gives one CheckpointException that names the file and tensor. */
class SafetensorsCorruptionTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("model.safetensors");
  }

  /** A model folder whose model.safetensors is the given header and data bytes. */
  private void raw(long headerLength, String header, int dataBytes) throws IOException {
    SafetensorsRoundTripTest.modelDir(dir);
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
    out.write(json);
    out.write(new byte[dataBytes]);
    Files.write(file(), out.toByteArray());
  }

  private void raw(String header, int dataBytes) throws IOException {
    raw(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
  }

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
        + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  /** Opening and reading {@code tensor} fails with a message naming the file and the tensor. */
  private void assertNamed(String tensor, String... more) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> {
      try (Checkpoint c = Checkpoints.open(dir)) {
        c.tensor(tensor);
      }
    });
    assertMentions(e, file().toString(), tensor);
    assertMentions(e, more);
  }

  /** Opening fails at the header, before any tensor: the message names the file. */
  private void assertFileNamed(String... more) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir).close());
    assertMentions(e, file().toString());
    assertMentions(e, more);
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
  }

  @Test
  void missingTensor() throws IOException {
    raw("{" + entry("t", "F32", "[2]", 0, 8) + "}", 8);
    assertNamed("model.layers.0.mlp.up_proj.weight", "missing tensor");
  }

  @Test
  void wrongShape() throws IOException {
    raw("{" + entry("t", "F32", "[2]", 0, 8) + "}", 8);
    CheckpointException e = assertThrows(CheckpointException.class, () -> {
      try (Checkpoint c = Checkpoints.open(dir)) {
        c.tensor("t", 4, 2);
      }
    });
    assertMentions(e, file().toString(), "tensor t ", "[2]", "expected [4, 2]");
  }

  @Test
  void unknownDtype() throws IOException {
    raw("{" + entry("t", "I64", "[2]", 0, 16) + "," + entry("ok", "F32", "[1]", 16, 20) + "}", 20);
    assertNamed("t", "unknown dtype I64");
    try (Checkpoint c = Checkpoints.open(dir)) {
      assertEquals(1, c.tensor("ok").elementCount(), "other tensors still load");
    }
  }

  @Test
  void truncatedData() throws IOException {
    raw("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "BF16", "[8]", 8, 24) + "}", 20);
    assertNamed("b", "outside the file", "truncated");
  }

  @Test
  void truncatedHeaderAndTinyFiles() throws IOException {
    raw(500, "{\"t\":", 0);
    assertFileNamed("truncated");
    SafetensorsRoundTripTest.modelDir(dir);
    Files.write(file(), new byte[] {1, 2, 3});
    assertFileNamed("truncated");
  }

  @Test
  void absurdHeaderLength() throws IOException {
    raw(1L << 40, "{}", 0);
    assertFileNamed("header length", "absurd");
    raw(-5, "{}", 0);
    assertFileNamed("header length");
    raw(0, "", 16);
    assertFileNamed("header length");
  }

  @Test
  void headerNotJson() throws IOException {
    raw("{\"t\": {\"dtype\": \"F32\", ", 0);
    assertFileNamed("not JSON");
    raw("[1, 2, 3]", 0);
    assertFileNamed("not a JSON object");
  }

  @Test
  void offsetsOutsideTheFile() throws IOException {
    raw("{" + entry("t", "F32", "[2]", 1_000_000, 1_000_008) + "}", 8);
    assertNamed("t", "outside the file");
  }

  @Test
  void offsetsThatDoNotMatchShapeAndDtype() throws IOException {
    raw("{" + entry("t", "F32", "[3]", 0, 8) + "}", 12);
    assertNamed("t", "needs 12");
    raw("{" + entry("t", "F32", "[2]", 8, 0) + "}", 12);
    assertNamed("t", "not an ordered range");
    raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8);
    assertNamed("t", "data_offsets");
    raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8);
    assertNamed("t", "shape");
    raw("{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8);
    assertNamed("t", "overflows");
    raw("{\"t\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
    assertNamed("t", "dtype");
    raw("{\"t\":7}", 8);
    assertNamed("t", "not an object");
  }

  @Test
  void missingShardFile() throws IOException {
    SafetensorsWriter.writeModel(SafetensorsRoundTripTest.modelDir(dir),
        SafetensorsRoundTripTest.sampleTensors(), 20);
    Path shard = dir.resolve("model-00002-of-00004.safetensors");
    Files.delete(shard);
    try (Checkpoint c = Checkpoints.open(dir)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> c.tensor("b.bf16"));
      assertMentions(e, shard.toString(), "b.bf16", "not found");
      assertEquals(15, c.tensor("a.f8").elementCount(), "other shards still load");
    }
  }

  @Test
  void indexListsATensorTheShardLacks() throws IOException {
    SafetensorsWriter.writeModel(SafetensorsRoundTripTest.modelDir(dir),
        SafetensorsRoundTripTest.sampleTensors(), 20);
    Path index = dir.resolve(Checkpoints.INDEX_FILE);
    Files.writeString(index, Files.readString(index).replace("\"b.bf16\"", "\"ghost\""));
    try (Checkpoint c = Checkpoints.open(dir)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> c.tensor("ghost"));
      assertMentions(e, "model-00002-of-00004.safetensors", "ghost");
    }
    Files.writeString(index, "{\"weight_map\": {\"x\": \"../etc/passwd\"}}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
    assertMentions(e, index.toString(), "x");
  }

  @Test
  void noWeightsAtAll() {
    SafetensorsRoundTripTest.modelDir(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
    assertMentions(e, "model.safetensors", dir.toString());
  }

  /** Random damage to a valid file: reading it either works or fails with CheckpointException. */
  @Test
  void randomDamageNeverEscapesAsAnotherException() throws IOException {
    SafetensorsWriter.writeModel(SafetensorsRoundTripTest.modelDir(dir),
        SafetensorsRoundTripTest.sampleTensors(), Long.MAX_VALUE);
    byte[] good = Files.readAllBytes(file());
    SplitMix64 rng = new SplitMix64(99);
    int failures = 0;
    for (int round = 0; round < 300; round++) {
      byte[] bad = good.clone();
      if (round % 3 == 0) {
        bad = Arrays.copyOf(good, (int) (rng.nextDouble() * good.length));
      } else {
        int flips = 1 + (int) (rng.nextDouble() * 4);
        for (int f = 0; f < flips; f++) {
          int at = (int) (rng.nextDouble() * Math.min(bad.length, 400));
          bad[at] = (byte) rng.nextLong();
        }
      }
      Files.write(file(), bad);
      Executable readAll = () -> {
        try (Checkpoint c = Checkpoints.open(dir)) {
          for (String name : c.tensorNames()) {
            c.tensor(name).bytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
          }
        }
      };
      try {
        readAll.execute();
      } catch (CheckpointException expected) {
        failures++;
      } catch (Throwable other) {
        throw new AssertionError("round " + round + " escaped as " + other, other);
      }
    }
    assertTrue(failures > 100, "most damage is detected: " + failures);
  }
}
