package dev.brigade.protocol.wire;

/**
 * Sampling settings as they travel with a sequence (the engine's SamplingParams, field for
 * field; protocol does not depend on the engine). The tail stage samples with them.
 */
public record Sampling(
    double temperature,
    int topK,
    double topP,
    double minP,
    double repetitionPenalty,
    double presencePenalty,
    double frequencyPenalty,
    long seed,
    int topLogprobs) {

  public static Sampling greedy() {
    return new Sampling(0, 0, 1, 0, 1, 0, 0, 0, -1);
  }

  void write(WireWriter out) {
    out.f64(temperature).i32(topK).f64(topP).f64(minP);
    out.f64(repetitionPenalty).f64(presencePenalty).f64(frequencyPenalty);
    out.i64(seed).i32(topLogprobs);
  }

  static Sampling read(WireReader in) {
    return new Sampling(
        in.f64("temperature"),
        in.i32("topK"),
        in.f64("topP"),
        in.f64("minP"),
        in.f64("repetitionPenalty"),
        in.f64("presencePenalty"),
        in.f64("frequencyPenalty"),
        in.i64("seed"),
        in.i32("topLogprobs"));
  }
}
