package dev.brigade.engine.model;

import dev.brigade.engine.numeric.Fp8BlockQuantizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face tensor names of a Qwen3 dense checkpoint and the shapes they must have. Tied
 * models (0.6B, the tiny model) usually store no {@code lm_head.weight}: the tail then uses
 * {@code model.embed_tokens.weight}.
 */
public final class Qwen3TensorNames {
  public static final String EMBED_TOKENS = "model.embed_tokens.weight";
  public static final String FINAL_NORM = "model.norm.weight";
  public static final String LM_HEAD = "lm_head.weight";
  /** FP8 projections carry their block scales in {@code <weight name>_scale_inv}. */
  public static final String SCALE_INV_SUFFIX = "_scale_inv";

  private Qwen3TensorNames() {}

  public static String scaleInv(String weightName) {
    return weightName + SCALE_INV_SUFFIX;
  }

  public static long[] embeddingShape(ModelConfig c) {
    return new long[] {c.vocabSize(), c.hiddenSize()};
  }

  public static long[] finalNormShape(ModelConfig c) {
    return new long[] {c.hiddenSize()};
  }

  /** The shape of the weight_scale_inv of a [rows, cols] projection: 128x128 blocks. */
  public static long[] scaleInvShape(long[] weightShape) {
    return new long[] {
      Fp8BlockQuantizer.blocks(weightShape[0]), Fp8BlockQuantizer.blocks(weightShape[1])
    };
  }

  /**
   * The shape tensor {@code name} must have under {@code c}: embeddings, lm_head, final norm,
   * any layer tensor, or the {@code _scale_inv} of a projection.
   */
  public static long[] shapeOf(ModelConfig c, String name) {
    if (name.endsWith(SCALE_INV_SUFFIX)) {
      String weight = name.substring(0, name.length() - SCALE_INV_SUFFIX.length());
      LayerTensor t = layerTensor(weight);
      if (t == null || !t.isProjection()) {
        throw new IllegalArgumentException("no Qwen3 projection behind " + name);
      }
      return scaleInvShape(t.shape(c));
    }
    if (name.equals(EMBED_TOKENS) || name.equals(LM_HEAD)) {
      return embeddingShape(c);
    }
    if (name.equals(FINAL_NORM)) {
      return finalNormShape(c);
    }
    LayerTensor t = layerTensor(name);
    if (t == null) {
      throw new IllegalArgumentException("not a Qwen3 tensor name: " + name);
    }
    return t.shape(c);
  }

  /** The layer tensor kind of a name like {@code model.layers.7.mlp.up_proj.weight}, or null. */
  public static LayerTensor layerTensor(String name) {
    String prefix = "model.layers.";
    if (!name.startsWith(prefix)) {
      return null;
    }
    int dot = name.indexOf('.', prefix.length());
    if (dot < 0) {
      return null;
    }
    String layer = name.substring(prefix.length(), dot);
    if (layer.isEmpty() || !layer.chars().allMatch(Character::isDigit)) {
      return null;
    }
    String suffix = name.substring(dot + 1);
    for (LayerTensor t : LayerTensor.values()) {
      if (t.suffix().equals(suffix)) {
        return t;
      }
    }
    return null;
  }

  /** The layer index of a layer tensor name, or -1. */
  public static int layerOf(String name) {
    if (layerTensor(name.endsWith(SCALE_INV_SUFFIX)
        ? name.substring(0, name.length() - SCALE_INV_SUFFIX.length()) : name) == null) {
      return -1;
    }
    String prefix = "model.layers.";
    return Integer.parseInt(name.substring(prefix.length(), name.indexOf('.', prefix.length())));
  }

  /**
   * Every tensor name a slice needs, in checkpoint order: embeddings on the head, each layer's
   * tensors (with scales when FP8), final norm and the output matrix on the tail (lm_head, or
   * the embeddings when the config ties them).
   */
  public static List<String> sliceTensors(ModelConfig c, LayerRange range) {
    List<String> names = new ArrayList<>();
    if (range.isHead()) {
      names.add(EMBED_TOKENS);
    }
    for (int layer = range.start(); layer < range.end(); layer++) {
      for (LayerTensor t : LayerTensor.values()) {
        names.add(t.name(layer));
        if (c.fp8() && t.isProjection()) {
          names.add(scaleInv(t.name(layer)));
        }
      }
    }
    if (range.isTail(c.numLayers())) {
      names.add(FINAL_NORM);
      names.add(c.tieWordEmbeddings() ? EMBED_TOKENS : LM_HEAD);
    }
    return names.stream().distinct().toList();
  }
}
