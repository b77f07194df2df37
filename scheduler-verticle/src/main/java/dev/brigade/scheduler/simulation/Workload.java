package dev.brigade.scheduler.simulation;

import java.util.random.RandomGenerator;

/**
 * Request and session distributions.
 *
 * <p>Prompts and outputs are log-normal (chat traffic: most short, a long tail), clamped.
 * Node sessions are Pareto with shape 1.5 (heavy-tailed: many short visits, a few nodes that
 * stay for days) and mean 1 / churn hours; nodes present at the start have the stationary
 * residual of that law, so the leave rate is the churn rate from the first hour on.
 */
final class Workload {
  static final double PROMPT_MEDIAN = 600, PROMPT_SIGMA = 1.0;
  static final int PROMPT_MIN = 16, PROMPT_MAX = 16_384;
  /** Qwen3 thinks before it answers, so outputs run longer than plain chat. */
  static final double OUTPUT_MEDIAN = 500, OUTPUT_SIGMA = 0.9;
  static final int OUTPUT_MIN = 1, OUTPUT_MAX = 8_192;
  static final double PARETO_SHAPE = 1.5;

  private Workload() {}

  static int prompt(RandomGenerator rng) {
    return clampedLogNormal(rng, PROMPT_MEDIAN, PROMPT_SIGMA, PROMPT_MIN, PROMPT_MAX);
  }

  static int output(RandomGenerator rng) {
    return clampedLogNormal(rng, OUTPUT_MEDIAN, OUTPUT_SIGMA, OUTPUT_MIN, OUTPUT_MAX);
  }

  /** Mean output length, by numeric integration of the clamped law (for --qps auto). */
  static double meanOutput() {
    RandomGenerator rng = new java.util.SplittableRandom(1);
    double sum = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) sum += output(rng);
    return sum / n;
  }

  private static int clampedLogNormal(RandomGenerator rng, double median, double sigma, int min, int max) {
    double v = median * Math.exp(sigma * rng.nextGaussian());
    return (int) Math.max(min, Math.min(max, Math.round(v)));
  }

  static double exponential(RandomGenerator rng, double rate) {
    return rng.nextExponential() / rate;
  }

  /** A fresh session length in seconds. */
  static double session(RandomGenerator rng, double meanSeconds) {
    double scale = meanSeconds * (PARETO_SHAPE - 1) / PARETO_SHAPE;
    return scale / Math.pow(1 - rng.nextDouble(), 1 / PARETO_SHAPE);
  }

  /**
   * Remaining session of a node already online at a random moment: the stationary residual
   * density S(x) / mean, i.e. uniform below the Pareto scale with probability scale/mean,
   * else Pareto with shape one lower.
   */
  static double residualSession(RandomGenerator rng, double meanSeconds) {
    double scale = meanSeconds * (PARETO_SHAPE - 1) / PARETO_SHAPE;
    if (rng.nextDouble() < scale / meanSeconds) return rng.nextDouble() * scale;
    return scale / Math.pow(1 - rng.nextDouble(), 1 / (PARETO_SHAPE - 1));
  }
}
