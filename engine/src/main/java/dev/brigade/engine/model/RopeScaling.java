package dev.brigade.engine.model;

/**
 * RoPE scaling from config.json ({@code rope_scaling} in transformers v4, inside
 * {@code rope_parameters} in v5). Only "yarn" changes the math; null in ModelConfig means none.
 */
public record RopeScaling(
    String type,
    double factor,
    int originalMaxPositionEmbeddings,
    double betaFast,
    double betaSlow,
    double attentionFactor) {}
