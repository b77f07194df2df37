package dev.brigade.engine.model;

import dev.brigade.engine.checkpoint.SafetensorsWriter;
import dev.brigade.engine.checkpoint.SafetensorsWriter.Tensor;
import dev.brigade.engine.numeric.Fp8BlockQuantizer;
import dev.brigade.engine.numeric.SplitMix64;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small Qwen3 with random weights and the real tokenizer, in full Hugging Face layout. Shaped
 * like the real 0.6B in the ways that break naive code: heads x head_dim (192) != hidden (128),
 * GQA (4 query heads over 2 KV heads), tied embeddings, the full 151936-token vocabulary. Six
 * layers, so slices of 1, 2 and 3 layers divide it. Weights are a pure function of the seed
 * (SplitMix64 + Box-Muller over StrictMath), the same on every platform; the FP8 variant
 * block-quantises the very same float weights.
 */
public final class TinyModel {
  public static final long DEFAULT_SEED = 42;
  public static final String NAME = "qwen3-tiny";

  private TinyModel() {}

  public static ModelConfig config(boolean fp8) {
    return new ModelConfig(NAME, 151936, 128, 384, 6, 4, 2, 48, 1e-6, 1_000_000.0, null,
        true, 4096, DType.BF16, fp8, 151643, 151645);
  }

  /** Writes the tiny model into {@code out} (created if needed); returns the files written. */
  public static List<Path> write(Path out, boolean fp8, long seed) {
    ModelConfig config = config(fp8);
    ConfigJson.write(config, out);
    ConfigJson.writeGenerationConfig(config, out);
    TokenizerFiles.copyTo(out);
    List<Path> files = new ArrayList<>(SafetensorsWriter.writeModel(out, tensors(config, seed), Long.MAX_VALUE));
    files.add(out.resolve(ConfigJson.FILE));
    files.add(out.resolve(ConfigJson.GENERATION_FILE));
    TokenizerFiles.FILES.forEach(f -> files.add(out.resolve(f)));
    return files;
  }

  /** The tensors in checkpoint order: BF16, or FP8 projections with BF16 block scales. */
  static List<Tensor> tensors(ModelConfig config, long seed) {
    List<Tensor> tensors = new ArrayList<>();
    for (String name : Qwen3TensorNames.sliceTensors(config, new LayerRange(0, config.numLayers()))) {
      if (name.endsWith(Qwen3TensorNames.SCALE_INV_SUFFIX)) {
        continue; // written together with its weight below
      }
      long[] shape = shape(config, name);
      float[] values = weights(config, name, seed);
      boolean quantise = config.fp8() && shape.length == 2 && !name.equals(Qwen3TensorNames.EMBED_TOKENS);
      if (quantise) {
        var q = Fp8BlockQuantizer.quantize(values, (int) shape[0], (int) shape[1], DType.BF16);
        tensors.add(Tensor.of(name, DType.F8_E4M3, shape, q.codes()));
        tensors.add(Tensor.of(Qwen3TensorNames.scaleInv(name), DType.BF16,
            new long[] {q.scaleRows(), q.scaleCols()}, q.scaleBytes()));
      } else {
        tensors.add(Tensor.ofFloats(name, DType.BF16, shape, values));
      }
    }
    return tensors;
  }

  /**
   * The float weights behind tensor {@code name} (before rounding to BF16 or quantising to
   * FP8), from the seed and the name alone. Embedding rows of ids the tokenizer does not define
   * are zero, so greedy decoding never picks an id that has no text.
   */
  public static float[] weights(ModelConfig config, String name, long seed) {
    long[] shape = shape(config, name);
    double mean = WeightInit.mean(name, shape);
    double std = WeightInit.std(name, shape);
    int count = Math.toIntExact(shape.length == 1 ? shape[0] : shape[0] * shape[1]);
    int live = count;
    if (name.equals(Qwen3TensorNames.EMBED_TOKENS)) {
      live = Math.min(count, TokenizerFiles.DEFINED_TOKENS * config.hiddenSize());
    }
    SplitMix64 rng = new SplitMix64(SplitMix64.derive(seed, name));
    float[] values = new float[count];
    for (int i = 0; i < live; i++) {
      values[i] = (float) (mean + std * rng.nextGaussian());
    }
    return values;
  }

  public static long[] shape(ModelConfig config, String name) {
    return Qwen3TensorNames.shapeOf(config, name);
  }
}
