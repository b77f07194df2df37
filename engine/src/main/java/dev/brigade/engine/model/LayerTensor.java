package dev.brigade.engine.model;

/**
 * The tensors of one Qwen3 decoder layer, with their Hugging Face names and shapes. Projections
 * are [out, in] matrices (FP8 in an FP8 checkpoint, each with a {@code _scale_inv}); the others
 * are RMSNorm weight vectors (always BF16 in published checkpoints).
 */
public enum LayerTensor {
  INPUT_NORM("input_layernorm.weight"),
  Q_PROJ("self_attn.q_proj.weight"),
  K_PROJ("self_attn.k_proj.weight"),
  V_PROJ("self_attn.v_proj.weight"),
  O_PROJ("self_attn.o_proj.weight"),
  Q_NORM("self_attn.q_norm.weight"),
  K_NORM("self_attn.k_norm.weight"),
  POST_ATTENTION_NORM("post_attention_layernorm.weight"),
  GATE_PROJ("mlp.gate_proj.weight"),
  UP_PROJ("mlp.up_proj.weight"),
  DOWN_PROJ("mlp.down_proj.weight");

  private final String suffix;

  LayerTensor(String suffix) {
    this.suffix = suffix;
  }

  /** The name after {@code model.layers.N.}, e.g. {@code self_attn.q_proj.weight}. */
  public String suffix() {
    return suffix;
  }

  /** The HF name in layer {@code layer}, e.g. {@code model.layers.3.self_attn.q_proj.weight}. */
  public String name(int layer) {
    return "model.layers." + layer + "." + suffix;
  }

  /** True for the seven matrices that FP8 checkpoints store block-quantised. */
  public boolean isProjection() {
    return switch (this) {
      case Q_PROJ, K_PROJ, V_PROJ, O_PROJ, GATE_PROJ, UP_PROJ, DOWN_PROJ -> true;
      default -> false;
    };
  }

  /** The shape as stored: [out, in] for projections, [n] for norm weights. */
  public long[] shape(ModelConfig c) {
    long hidden = c.hiddenSize();
    long qDim = (long) c.numHeads() * c.headDim();
    long kvDim = (long) c.numKvHeads() * c.headDim();
    long inter = c.intermediateSize();
    return switch (this) {
      case INPUT_NORM, POST_ATTENTION_NORM -> new long[] {hidden};
      case Q_NORM, K_NORM -> new long[] {c.headDim()};
      case Q_PROJ -> new long[] {qDim, hidden};
      case K_PROJ, V_PROJ -> new long[] {kvDim, hidden};
      case O_PROJ -> new long[] {hidden, qDim};
      case GATE_PROJ, UP_PROJ -> new long[] {inter, hidden};
      case DOWN_PROJ -> new long[] {hidden, inter};
    };
  }
}
