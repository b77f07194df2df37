package dev.brigade.engine.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one {@link EngineBench} run. Rates are tokens per second from the median
 * timed step; the bound is the measured bandwidth divided by the weight bytes one decode step
 * must read.
 *
 * @param bandwidthGbS median of the probe passes taken between the timed batch-1 decode steps
 *     (median against median: the bound the ratio uses)
 * @param bestBandwidthGbS the best of the probe passes before the model was loaded: the
 *     stricter bound, for {@link #ratioToBest()}
 * @param dtype "bf16" or "fp8" (the projections' dtype; embeddings and norms are bf16)
 * @param weightBytesPerToken bytes of weights one decode step reads: every layer, the final
 *     norm and the whole lm_head, plus one embedding row
 * @param decodeBatchTokS tokens per second over all sequences at {@code batch}; 0 when batch is 1
 */
public record EngineBenchResult(
    String preset, String dtype, int layers, int batch, int threads, MachineInfo machine,
    double bandwidthGbS, double bestBandwidthGbS, long weightBytesPerToken, double boundTokS,
    double decodeTokS, double decodeMs, double decodeBatchTokS, double prefillTokS,
    int prefillTokens, int warmup, int iterations) {

  /** decode tokens/s at batch 1 over the bound. */
  public double ratio() {
    return decodeTokS / boundTokS;
  }

  /** decode tokens/s at batch 1 over the bound from the best probe pass before decoding. */
  public double ratioToBest() {
    return decodeTokS * weightBytesPerToken / (bestBandwidthGbS * 1e9);
  }

  /** The fields as JSON-ready values, in a stable order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("preset", preset);
    m.put("dtype", dtype);
    m.put("layers", layers);
    m.put("batch", batch);
    m.put("threads", threads);
    m.put("decode_tok_s", round(decodeTokS));
    m.put("decode_ms", round(decodeMs));
    if (batch > 1) {
      m.put("decode_batch_tok_s", round(decodeBatchTokS));
    }
    m.put("prefill_tok_s", round(prefillTokS));
    m.put("prefill_tokens", prefillTokens);
    m.put("bound_tok_s", round(boundTokS));
    m.put("ratio", Math.round(ratio() * 1000) / 1000.0);
    m.put("bandwidth_gb_s", round(bandwidthGbS));
    m.put("best_bandwidth_gb_s", round(bestBandwidthGbS));
    m.put("ratio_to_best_bandwidth", Math.round(ratioToBest() * 1000) / 1000.0);
    m.put("weight_bytes_per_token", weightBytesPerToken);
    m.put("warmup", warmup);
    m.put("iterations", iterations);
    Map<String, Object> mach = new LinkedHashMap<>();
    mach.put("cpu", machine.cpu());
    mach.put("cores", machine.cores());
    mach.put("vector_bits", machine.vectorBits());
    mach.put("java", machine.java());
    m.put("machine", mach);
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
