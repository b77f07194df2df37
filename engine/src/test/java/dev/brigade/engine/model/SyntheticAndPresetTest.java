package dev.brigade.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.checkpoint.CheckpointException;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.checkpoint.SafetensorsCheckpoint;
import dev.brigade.engine.checkpoint.SyntheticCheckpoint;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.numeric.Dequantize;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticAndPresetTest {

  @Test
  void presetsCarryThePublishedShapes() {
    ModelConfig small = Presets.get("qwen3-0.6b");
    assertEquals(1024, small.hiddenSize());
    assertEquals(28, small.numLayers());
    assertEquals(2048, small.numHeads() * small.headDim()); // != hidden, as published
    assertTrue(small.tieWordEmbeddings());
    ModelConfig eight = Presets.get("qwen3-8b");
    assertEquals(
        java.util.List.of(4096, 36, 32, 8, 128, 12288, 151936),
        java.util.List.of(eight.hiddenSize(), eight.numLayers(), eight.numHeads(),
            eight.numKvHeads(), eight.headDim(), eight.intermediateSize(), eight.vocabSize()));
    assertFalse(eight.tieWordEmbeddings());
    ModelConfig big = Presets.get("qwen3-32b");
    assertEquals(java.util.List.of(5120, 64, 64, 8, 25600),
        java.util.List.of(big.hiddenSize(), big.numLayers(), big.numHeads(), big.numKvHeads(),
            big.intermediateSize()));
    assertFalse(big.fp8());
    assertTrue(Presets.get("qwen3-32b-fp8").fp8());
    assertEquals(3, Presets.get("qwen3-8b", 3).numLayers());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Presets.get("qwen3-7b"));
    assertTrue(e.getMessage().contains("qwen3-0.6b"));
    assertThrows(IllegalArgumentException.class, () -> Presets.get("qwen3-8b", 37));
  }

  @Test
  void syntheticCheckpointHasRealShapesForALayerSubset() {
    try (SyntheticCheckpoint c = SyntheticCheckpoint.preset("qwen3-0.6b", 2, 1)) {
      assertEquals(2, c.config().numLayers());
      assertTrue(c.has(LayerTensor.Q_PROJ.name(1)));
      assertFalse(c.has(LayerTensor.Q_PROJ.name(2)));
      assertFalse(c.has(Qwen3TensorNames.LM_HEAD), "tied");
      TensorData q = c.tensor(LayerTensor.Q_PROJ.name(0), 2048, 1024);
      assertEquals(DType.BF16, q.dtype());
      float[] v = Dequantize.toFloats(q);
      double sum = 0;
      double sumSq = 0;
      for (float x : v) {
        sum += x;
        sumSq += x * (double) x;
      }
      double std = Math.sqrt(sumSq / v.length - Math.pow(sum / v.length, 2));
      assertEquals(1 / Math.sqrt(1024), std, 0.002);
      float[] norm = Dequantize.toFloats(c.tensor(LayerTensor.INPUT_NORM.name(1), 1024));
      for (float x : norm) {
        assertTrue(x > 0.9f && x < 1.1f, "norm weight " + x);
      }
      assertThrows(CheckpointException.class, () -> c.tensor(LayerTensor.Q_PROJ.name(0), 1024, 1024));
      assertThrows(CheckpointException.class, () -> c.tensor(LayerTensor.Q_PROJ.name(5)));
    }
  }

  @Test
  void syntheticFp8HasBlockScalesAndFiniteValues() {
    try (SyntheticCheckpoint c = SyntheticCheckpoint.preset("qwen3-32b-fp8", 1, 1)) {
      String down = LayerTensor.DOWN_PROJ.name(0);
      TensorData w = c.tensor(down, 5120, 25600);
      assertEquals(DType.F8_E4M3, w.dtype());
      TensorData s = c.tensor(Qwen3TensorNames.scaleInv(down), 40, 200);
      assertEquals(DType.BF16, s.dtype());
      assertTrue(c.has(Qwen3TensorNames.LM_HEAD), "32B is untied");
      assertEquals(DType.BF16, c.dtypeOf(Qwen3TensorNames.LM_HEAD)); // 1.5 GB: not generated here
      assertEquals(DType.BF16, c.tensor(LayerTensor.Q_NORM.name(0), 128).dtype());
      byte[] codes = w.bytes().asSlice(0, 1 << 20).toArray(ValueLayout.JAVA_BYTE);
      for (byte b : codes) {
        assertTrue((b & 0x7F) != 0x7F, "no NaN codes");
      }
      float[] scales = Dequantize.toFloats(s);
      double typical = Math.sqrt(3.0) / Math.sqrt(25600) / 448;
      double sum = 0;
      java.util.Set<Float> distinct = new java.util.HashSet<>();
      for (float x : scales) {
        distinct.add(x);
        assertTrue(x >= typical * 0.74 && x <= typical * 1.26, "scale " + x);
        sum += x;
      }
      assertEquals(typical, sum / scales.length, typical * 0.05);
      assertTrue(distinct.size() > 10, "scales differ from block to block");
    }
  }

  @Test
  void syntheticWeightsArePureFunctionsOfSeedAndName() {
    String name = LayerTensor.UP_PROJ.name(0);
    try (SyntheticCheckpoint a = SyntheticCheckpoint.preset("qwen3-0.6b", 1, 5);
        SyntheticCheckpoint b = SyntheticCheckpoint.preset("qwen3-0.6b", 1, 5);
        SyntheticCheckpoint other = SyntheticCheckpoint.preset("qwen3-0.6b", 1, 6)) {
      byte[] first = a.tensor(name).bytes().toArray(ValueLayout.JAVA_BYTE);
      assertArrayEquals(first, b.tensor(name).bytes().toArray(ValueLayout.JAVA_BYTE));
      assertFalse(java.util.Arrays.equals(first,
          other.tensor(name).bytes().toArray(ValueLayout.JAVA_BYTE)));
    }
  }

  @Test
  void presetWriterWritesShardsThatReadBackIdentically(@TempDir Path dir) {
    ModelConfig small = Presets.withLayers(
        new ModelConfig("small-fp8", 10000, 256, 320, 3, 4, 2, 64, 1e-6, 1e6, null, false, 2048,
            DType.BF16, true, 1, 2), 2);
    var files = PresetWriter.write(new SyntheticCheckpoint(small, 9), dir, 300_000);
    assertTrue(files.contains(dir.resolve(Checkpoints.INDEX_FILE)), files.toString());
    try (SafetensorsCheckpoint disk = Checkpoints.open(dir);
        SyntheticCheckpoint memory = new SyntheticCheckpoint(small, 9)) {
      assertEquals(small, ConfigJsonTest.rename(disk.config(), small.name()));
      assertTrue(disk.files().size() > 1);
      assertEquals(memory.tensorNames(), disk.tensorNames());
      for (String name : memory.tensorNames()) {
        TensorData m = memory.tensor(name);
        TensorData d = disk.tensor(name, m.shape());
        assertEquals(m.dtype(), d.dtype(), name);
        assertArrayEquals(m.bytes().toArray(ValueLayout.JAVA_BYTE),
            d.bytes().toArray(ValueLayout.JAVA_BYTE), name);
      }
    }
  }
}
