package dev.brigade.engine.forward;

/** Hugging Face tensor names of a Qwen3 checkpoint. */
final class TensorNames {
  private TensorNames() {}

  static final String EMBED = "model.embed_tokens.weight";
  static final String FINAL_NORM = "model.norm.weight";
  static final String LM_HEAD = "lm_head.weight";

  static String layer(int layer, String suffix) {
    return "model.layers." + layer + "." + suffix + ".weight";
  }

  static String scaleOf(String weightName) {
    return weightName + "_scale_inv";
  }
}
