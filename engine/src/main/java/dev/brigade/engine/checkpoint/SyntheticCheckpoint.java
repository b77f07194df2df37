package dev.brigade.engine.checkpoint;

import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.Presets;
import dev.brigade.engine.model.Qwen3TensorNames;
import dev.brigade.engine.model.WeightInit;
import dev.brigade.engine.numeric.SplitMix64;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real-shape random weights generated in memory, for benchmarks and sizing without a download.
 * A tensor is generated the first time it is asked for (a slice pays only for its layers) and
 * kept until {@link #close()}. Values are uniform with the spread of {@link WeightInit}; FP8
 * configs get F8_E4M3 projections with BF16 128x128 block scales, like Qwen3-32B-FP8. Contents
 * depend only on the seed and tensor name, never on thread scheduling.
 */
public final class SyntheticCheckpoint implements Checkpoint {
  private final ModelConfig config;
  private final long seed;
  private final Set<String> names;
  private final Arena arena = Arena.ofShared();
  private final ConcurrentHashMap<String, TensorData> generated = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public SyntheticCheckpoint(ModelConfig config, long seed) {
    this.config = config;
    this.seed = seed;
    this.names = new LinkedHashSet<>(
        Qwen3TensorNames.sliceTensors(config, new LayerRange(0, config.numLayers())));
  }

  /** Preset {@code name} cut to {@code layers} layers (0 = all). */
  public static SyntheticCheckpoint preset(String name, int layers, long seed) {
    return new SyntheticCheckpoint(Presets.get(name, layers), seed);
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  @Override
  public Path dir() {
    return null;
  }

  @Override
  public Set<String> tensorNames() {
    return Collections.unmodifiableSet(names);
  }

  @Override
  public boolean has(String name) {
    return names.contains(name);
  }

  /** The stored dtype of {@code name}: FP8 projections in FP8 configs, BF16 everything else. */
  public DType dtypeOf(String name) {
    if (config.fp8() && !name.endsWith(Qwen3TensorNames.SCALE_INV_SUFFIX)
        && Qwen3TensorNames.layerTensor(name) != null
        && Qwen3TensorNames.layerTensor(name).isProjection()) {
      return DType.F8_E4M3;
    }
    return DType.BF16;
  }

  @Override
  public TensorData tensor(String name, long... expectedShape) {
    if (!names.contains(name)) {
      throw new CheckpointException("missing tensor " + name + " in synthetic " + config.name());
    }
    long[] shape = Qwen3TensorNames.shapeOf(config, name);
    if (expectedShape.length > 0 && !Arrays.equals(expectedShape, shape)) {
      throw new CheckpointException("tensor " + name + " in synthetic " + config.name()
          + " has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expectedShape));
    }
    return generated.computeIfAbsent(name, n -> {
      if (closed) {
        throw new IllegalStateException("synthetic checkpoint is closed");
      }
      DType dtype = dtypeOf(n);
      MemorySegment bytes = arena.allocate(byteSize(dtype, shape), 64);
      fill(n, bytes);
      return new TensorData(n, dtype, shape, bytes, null);
    });
  }

  /** Writes tensor {@code name}'s bytes into {@code out} (exactly its size); deterministic. */
  public void fill(String name, MemorySegment out) {
    long[] shape = Qwen3TensorNames.shapeOf(config, name);
    if (name.endsWith(Qwen3TensorNames.SCALE_INV_SUFFIX)) {
      String weight = name.substring(0, name.length() - Qwen3TensorNames.SCALE_INV_SUFFIX.length());
      long[] weightShape = Qwen3TensorNames.shapeOf(config, weight);
      RandomFill.fp8Scales(out, SplitMix64.derive(seed, name),
          RandomFill.fp8ScaleFor(WeightInit.std(weight, weightShape)));
    } else if (dtypeOf(name) == DType.F8_E4M3) {
      RandomFill.fp8(out, SplitMix64.derive(seed, name));
    } else {
      RandomFill.bf16(out, SplitMix64.derive(seed, name), WeightInit.mean(name, shape),
          WeightInit.std(name, shape));
    }
  }

  /** Every tensor as a writer entry whose bytes are generated straight into the output. */
  public List<SafetensorsWriter.Tensor> writerTensors() {
    List<SafetensorsWriter.Tensor> out = new ArrayList<>();
    for (String name : names) {
      out.add(new SafetensorsWriter.Tensor(name, dtypeOf(name),
          Qwen3TensorNames.shapeOf(config, name), segment -> fill(name, segment)));
    }
    return out;
  }

  /** Bytes the whole checkpoint occupies (what writing it or loading every tensor costs). */
  public long totalBytes() {
    long total = 0;
    for (String name : names) {
      total += byteSize(dtypeOf(name), Qwen3TensorNames.shapeOf(config, name));
    }
    return total;
  }

  private static long byteSize(DType dtype, long[] shape) {
    long n = dtype.bytes();
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public void close() {
    synchronized (generated) {
      if (!closed) {
        closed = true;
        generated.clear();
        arena.close();
      }
    }
  }
}
