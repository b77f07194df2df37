package dev.brigade.engine.model;

/**
 * The parts of a Qwen3 config.json the engine needs. {@code headDim} comes from the config,
 * never from hidden/heads (they differ in the real 0.6B).
 *
 * @param ropeScaling null when the model uses plain RoPE
 * @param dtype the checkpoint's declared dtype (torch_dtype or dtype)
 * @param fp8 true when projections are stored as F8_E4M3 with 128x128 weight_scale_inv blocks
 */
public record ModelConfig(
    String name,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    boolean tieWordEmbeddings,
    int maxPositionEmbeddings,
    DType dtype,
    boolean fp8,
    int bosTokenId,
    int eosTokenId) {}
