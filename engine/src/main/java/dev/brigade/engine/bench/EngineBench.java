package dev.brigade.engine.bench;

import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.backend.cpu.CpuPool;
import dev.brigade.engine.checkpoint.SyntheticCheckpoint;
import dev.brigade.engine.forward.LayerBytes;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceModel;
import dev.brigade.engine.forward.SliceOptions;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.Presets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The engine benchmark behind {@code brigade bench-engine}: on one machine, in one run, the
 * memory read bandwidth ({@link MemoryBandwidth}), then decode and prefill through the real
 * {@link SliceModel} on the {@link CpuBackend} with synthetic weights of a published Qwen3
 * shape - head and tail included (embedding lookup, final norm, lm_head over the vocabulary).
 * Decode is memory-bound, so its ceiling is the bandwidth over the weight bytes a step reads.
 */
public final class EngineBench {
  /** Prompt tokens each decoding sequence starts with. */
  private static final int PROMPT = 16;

  private EngineBench() {}

  /** Timed batch-1 decode steps between two passes of the bandwidth probe. */
  static final int STEPS_PER_PROBE = 4;

  /** Runs the benchmark; {@code progress} gets one line per phase. */
  public static EngineBenchResult run(EngineBenchOptions o, Consumer<String> progress) {
    ModelConfig config = config(o);
    String dtype = config.fp8() ? "fp8" : "bf16";
    MachineInfo machine = MachineInfo.here();

    progress.accept("measuring memory read bandwidth (" + (o.bandwidthBytes() >> 20) + " MiB, "
        + o.threads() + " threads, best of " + o.bandwidthPasses() + ")");
    try (CpuPool probePool = new CpuPool(o.threads());
        MemoryBandwidth probe = new MemoryBandwidth(o.bandwidthBytes())) {
      Bandwidth bandwidth =
          new Bandwidth(probe, probePool, probe.best(probePool, o.bandwidthPasses()));
      return run(o, config, dtype, machine, bandwidth, progress);
    }
  }

  /**
   * The probe kept open through the decode at batch 1, which runs in rounds of {@link
   * #STEPS_PER_PROBE} steps, each after one more pass: this host's bandwidth drifts from minute
   * to minute (28 to 37 GB/s within a few minutes was seen), so the bound is taken over the same
   * minutes as the steps it bounds.
   */
  private record Bandwidth(MemoryBandwidth probe, CpuPool pool, double bestBeforeDecode) {}

  private static EngineBenchResult run(EngineBenchOptions o, ModelConfig config, String dtype,
      MachineInfo machine, Bandwidth bandwidth, Consumer<String> progress) {
    progress.accept("generating " + config.name() + " " + dtype + " with "
        + config.numLayers() + " layers");
    int steps = o.warmup() + o.iterations();
    int tokensPerSequence = PROMPT + steps + 1;
    long kvTokens = (long) (o.batch() + 1) * tokensPerSequence + 2L * o.prefillTokens() + 64;
    long kvBytes = kvTokens * 2L * config.numKvHeads() * config.headDim() * DType.BF16.bytes()
        * config.numLayers() + (1 << 20);
    try (CpuBackend backend = new CpuBackend(o.threads())) {
      long bytesPerToken;
      SliceModel model;
      try (SyntheticCheckpoint checkpoint = new SyntheticCheckpoint(config, o.seed())) {
        bytesPerToken = bytesPerDecodedToken(LayerBytes.of(checkpoint, DType.BF16), config);
        model = SliceModel.load(checkpoint, new LayerRange(0, config.numLayers()), backend,
            new SliceOptions(kvBytes, SliceOptions.DEFAULT_BLOCK_SIZE, DType.BF16,
                Math.max(tokensPerSequence, o.prefillTokens()) + 1));
      }
      try (model) {
        progress.accept("decode at batch 1: " + o.warmup() + " warm-up and " + o.iterations()
            + " timed steps, a bandwidth pass before every " + STEPS_PER_PROBE);
        List<Double> passes = new ArrayList<>();
        double decodeSeconds = decodeStep(model, 1, o, "d1-", () -> passes.add(
            bandwidth.probe().pass(bandwidth.pool())));
        double batchSeconds = 0;
        if (o.batch() > 1) {
          progress.accept("decode at batch " + o.batch());
          batchSeconds = decodeStep(model, o.batch(), o, "d" + o.batch() + "-", () -> {});
        }
        progress.accept("prefill of " + o.prefillTokens() + " tokens: 1 warm-up and "
            + o.prefillRuns() + " timed chunks");
        double prefillSeconds = prefill(model, o);
        double duringDecode = median(passes.stream().mapToDouble(Double::doubleValue).toArray());
        return new EngineBenchResult(o.preset(), dtype, config.numLayers(), o.batch(),
            o.threads(), machine, duringDecode / 1e9, bandwidth.bestBeforeDecode() / 1e9,
            bytesPerToken, duringDecode / bytesPerToken, 1 / decodeSeconds, decodeSeconds * 1e3,
            o.batch() > 1 ? o.batch() / batchSeconds : 0, o.prefillTokens() / prefillSeconds,
            o.prefillTokens(), o.warmup(), o.iterations());
      }
    }
  }

  /** The preset cut to its layers, with FP8 or BF16 projections when the options ask. */
  static ModelConfig config(EngineBenchOptions o) {
    ModelConfig c = Presets.get(o.preset(), o.layers());
    boolean fp8 = o.dtype() == null ? c.fp8() : o.dtype().equals("fp8");
    return new ModelConfig(c.name(), c.vocabSize(), c.hiddenSize(), c.intermediateSize(),
        c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(),
        c.ropeScaling(), c.tieWordEmbeddings(), c.maxPositionEmbeddings(), c.dtype(), fp8,
        c.bosTokenId(), c.eosTokenId());
  }

  /**
   * Weight bytes one decode step reads: every layer's weights (FP8 scales included), the final
   * norm, the whole lm_head, and one row of the embedding table.
   */
  static long bytesPerDecodedToken(LayerBytes sizes, ModelConfig config) {
    long total = Arrays.stream(sizes.perLayer()).sum() + sizes.finalNormBytes()
        + sizes.lmHeadBytes();
    return total + sizes.embedBytes() / config.vocabSize();
  }

  /**
   * Median seconds of one decode step of {@code batch} sequences (each after a prompt of
   * {@link #PROMPT} tokens), each step asking for logits of every sequence; {@code
   * beforeEachRound} runs untimed before every {@link #STEPS_PER_PROBE} timed steps.
   */
  private static double decodeStep(SliceModel model, int batch, EngineBenchOptions o,
      String prefix, Runnable beforeEachRound) {
    int vocab = model.config().vocabSize();
    List<SliceInput> prompts = new ArrayList<>();
    for (int s = 0; s < batch; s++) {
      prompts.add(SliceInput.ofTokens(prefix + s, 0, tokens(PROMPT, s * 7919L, vocab), false));
    }
    model.forward(prompts);
    double[] seconds = new double[o.iterations()];
    for (int step = 0; step < o.warmup() + o.iterations(); step++) {
      List<SliceInput> inputs = new ArrayList<>(batch);
      for (int s = 0; s < batch; s++) {
        int token = (int) Math.floorMod(31L * step + 1009L * s + 17, vocab);
        inputs.add(SliceInput.ofTokens(prefix + s, PROMPT + step, new int[] {token}, true));
      }
      if (step >= o.warmup() && (step - o.warmup()) % STEPS_PER_PROBE == 0) {
        beforeEachRound.run();
      }
      long start = System.nanoTime();
      model.forward(inputs);
      long nanos = System.nanoTime() - start;
      if (step >= o.warmup()) {
        seconds[step - o.warmup()] = nanos / 1e9;
      }
    }
    for (int s = 0; s < batch; s++) {
      model.free(prefix + s);
    }
    return median(seconds);
  }

  /** Median seconds of one prefill chunk of a fresh sequence, logits of its last token. */
  private static double prefill(SliceModel model, EngineBenchOptions o) {
    int vocab = model.config().vocabSize();
    double[] seconds = new double[o.prefillRuns()];
    for (int run = -1; run < o.prefillRuns(); run++) {
      String id = "p" + (run + 1);
      SliceInput chunk = SliceInput.ofTokens(id, 0, tokens(o.prefillTokens(), run + 2, vocab),
          true);
      long start = System.nanoTime();
      model.forward(List.of(chunk));
      long nanos = System.nanoTime() - start;
      model.free(id);
      if (run >= 0) {
        seconds[run] = nanos / 1e9;
      }
    }
    return median(seconds);
  }

  private static int[] tokens(int n, long salt, int vocab) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = (int) Math.floorMod(salt * 2654435761L + 40503L * i + 11, vocab);
    }
    return t;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
