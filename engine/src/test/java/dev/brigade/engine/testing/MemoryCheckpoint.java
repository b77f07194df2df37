package dev.brigade.engine.testing;

import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.CheckpointException;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.ModelConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A Qwen3 checkpoint with random weights held in memory, for engine tests. Besides the stored
 * tensors it keeps each weight's exact f32 value as the engine must see it (after bf16 rounding
 * or FP8 dequantisation), for reference computations. Records which tensors were read.
 */
public final class MemoryCheckpoint implements Checkpoint {
  private final ModelConfig config;
  private final Map<String, TensorData> tensors = new LinkedHashMap<>();
  private final Map<String, float[]> values = new HashMap<>();
  private final Set<String> read = new HashSet<>();

  private MemoryCheckpoint(ModelConfig config) {
    this.config = config;
  }

  /** A small Qwen3-shaped config: heads x headDim != hidden, GQA. */
  public static ModelConfig smallConfig(int layers, boolean tied, boolean fp8) {
    return new ModelConfig("test-qwen3", 97, 40, 72, layers, 4, 2, 12, 1e-6, 10000.0, null,
        tied, 4096, DType.BF16, fp8, 1, 2);
  }

  /**
   * Random weights for {@code config}: projections in {@code projDtype} (F8_E4M3 block-quantised
   * with BF16 scales), embeddings, lm_head and norms in {@code otherDtype}.
   */
  public static MemoryCheckpoint random(ModelConfig config, DType projDtype, DType otherDtype,
      long seed) {
    MemoryCheckpoint ckpt = new MemoryCheckpoint(config);
    Random rnd = new Random(seed);
    int h = config.hiddenSize();
    int qd = config.numHeads() * config.headDim();
    int kvd = config.numKvHeads() * config.headDim();
    int inter = config.intermediateSize();
    ckpt.put("model.embed_tokens.weight", otherDtype, rnd, 1.0f, 0, config.vocabSize(), h);
    for (int l = 0; l < config.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      ckpt.put(p + "input_layernorm.weight", otherDtype, rnd, 0.2f, 1f, h);
      ckpt.put(p + "self_attn.q_proj.weight", projDtype, rnd, 1f / (float) Math.sqrt(h), 0, qd, h);
      ckpt.put(p + "self_attn.k_proj.weight", projDtype, rnd, 1f / (float) Math.sqrt(h), 0, kvd, h);
      ckpt.put(p + "self_attn.v_proj.weight", projDtype, rnd, 1f / (float) Math.sqrt(h), 0, kvd, h);
      ckpt.put(p + "self_attn.q_norm.weight", otherDtype, rnd, 0.2f, 1f, config.headDim());
      ckpt.put(p + "self_attn.k_norm.weight", otherDtype, rnd, 0.2f, 1f, config.headDim());
      ckpt.put(p + "self_attn.o_proj.weight", projDtype, rnd, 1f / (float) Math.sqrt(qd), 0, h, qd);
      ckpt.put(p + "post_attention_layernorm.weight", otherDtype, rnd, 0.2f, 1f, h);
      ckpt.put(p + "mlp.gate_proj.weight", projDtype, rnd, 1f / (float) Math.sqrt(h), 0, inter, h);
      ckpt.put(p + "mlp.up_proj.weight", projDtype, rnd, 1f / (float) Math.sqrt(h), 0, inter, h);
      ckpt.put(p + "mlp.down_proj.weight", projDtype, rnd, 1f / (float) Math.sqrt(inter), 0, h,
          inter);
    }
    ckpt.put("model.norm.weight", otherDtype, rnd, 0.2f, 1f, h);
    if (!config.tieWordEmbeddings()) {
      ckpt.put("lm_head.weight", otherDtype, rnd, 1f / (float) Math.sqrt(h), 0,
          config.vocabSize(), h);
    }
    return ckpt;
  }

  private void put(String name, DType dtype, Random rnd, float std, float mean, int... shape) {
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = mean + std * (float) rnd.nextGaussian();
    }
    putValues(name, dtype, w, shape);
  }

  /** Stores explicit values (rounded to {@code dtype} / FP8-quantised as a 2-D matrix). */
  public void putValues(String name, DType dtype, float[] w, int... shape) {
    long[] lshape = Arrays.stream(shape).asLongStream().toArray();
    if (dtype == DType.F8_E4M3) {
      Fp8Block q = Fp8Block.quantize(w, shape[0], shape[1], DType.BF16);
      tensors.put(name, new TensorData(name, dtype, lshape, q.codes(), null));
      String sname = name + "_scale_inv";
      tensors.put(sname, new TensorData(sname, DType.BF16, q.scaleShape(), q.scales(), null));
      values.put(name, q.dequantized());
    } else {
      float[] rounded = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        rounded[i] = Encode.round(w[i], dtype);
      }
      tensors.put(name, new TensorData(name, dtype, lshape, Encode.store(w, dtype), null));
      values.put(name, rounded);
    }
  }

  /** The exact f32 values of a weight as the engine must use them. */
  public float[] values(String name) {
    float[] v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no tensor " + name);
    }
    return v;
  }

  /** Names of the tensors read through {@link #tensor} so far. */
  public Set<String> readTensors() {
    return Set.copyOf(read);
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
    return tensors.keySet();
  }

  @Override
  public boolean has(String name) {
    return tensors.containsKey(name);
  }

  @Override
  public TensorData tensor(String name, long... expectedShape) {
    TensorData t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException("memory checkpoint: missing tensor " + name);
    }
    if (expectedShape.length > 0 && !Arrays.equals(expectedShape, t.shape())) {
      throw new CheckpointException("memory checkpoint: tensor " + name + " has shape "
          + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expectedShape));
    }
    read.add(name);
    return t;
  }

  @Override
  public void close() {}
}
