package dev.brigade.cuda.bench;

import dev.brigade.cuda.CudaBackend;
import dev.brigade.engine.backend.DeviceBuffer;
import dev.brigade.engine.backend.DeviceWeight;
import dev.brigade.engine.checkpoint.SyntheticCheckpoint;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceModel;
import dev.brigade.engine.forward.SliceOptions;
import dev.brigade.engine.forward.SliceOutput;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.Qwen3TensorNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The GPU benchmark native/gpu-check.sh runs: (1) matmul bandwidth at Qwen3-32B decode shapes
 * (the seven projections of one layer, batch 1 and 8) for BF16 and FP8 weights, as a share of
 * the device's peak memory bandwidth (memory clock x bus width); (2) decode tokens/s of a
 * synthetic qwen3-32b-fp8 middle slice of 16 layers (layers 16-31) at batch 1 and 8.
 *
 * <p>Usage: {@code GpuBench [--device N] [--layers L] [--steps S]}.
 */
public final class GpuBench {
  private static final String[] PROJECTIONS = {"self_attn.q_proj", "self_attn.k_proj",
      "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

  private GpuBench() {}

  public static void main(String[] args) {
    int device = 0;
    int layers = 16;
    int steps = 32;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--device" -> device = Integer.parseInt(args[++i]);
        case "--layers" -> layers = Integer.parseInt(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (use --device N --layers L --steps S)");
      }
    }
    CudaBackend opened;
    try {
      opened = new CudaBackend(device);
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("gpu-bench: " + e.getMessage());
      System.exit(1);
      return;
    }
    try (CudaBackend gpu = opened) {
      long[] mem = gpu.memoryInfo();
      double peak = gpu.peakBandwidth();
      System.out.printf("device %d: %s, %.1f GiB free of %.1f GiB, peak memory bandwidth %.0f GB/s%n",
          device, gpu.deviceName(), mem[0] / 1073741824.0, mem[1] / 1073741824.0, peak / 1e9);
      for (String preset : new String[] {"qwen3-32b", "qwen3-32b-fp8"}) {
        matmulBandwidth(gpu, preset, peak);
      }
      decode(gpu, layers, steps);
    }
  }

  /** Every projection of one layer, timed back to back like a decode step's matmuls. */
  private static void matmulBandwidth(CudaBackend gpu, String preset, double peak) {
    SyntheticCheckpoint ckpt = SyntheticCheckpoint.preset(preset, 1, 7);
    ModelConfig c = ckpt.config();
    java.util.Arrays.stream(PROJECTIONS).parallel().forEach(p -> {
      String name = "model.layers.0." + p + ".weight";
      ckpt.tensor(name);
      if (ckpt.has(Qwen3TensorNames.scaleInv(name))) {
        ckpt.tensor(Qwen3TensorNames.scaleInv(name));
      }
    });
    List<DeviceWeight> weights = new ArrayList<>();
    long bytes = 0;
    int maxIn = 0;
    int maxOut = 0;
    for (String p : PROJECTIONS) {
      String name = "model.layers.0." + p + ".weight";
      TensorData w = ckpt.tensor(name);
      TensorData s = w.dtype() == DType.F8_E4M3
          ? ckpt.tensor(Qwen3TensorNames.scaleInv(name))
          : null;
      DeviceWeight dw = gpu.upload(w, s);
      weights.add(dw);
      bytes += dw.bytes();
      maxIn = (int) Math.max(maxIn, dw.cols());
      maxOut = (int) Math.max(maxOut, dw.rows());
    }
    ckpt.close();
    for (int rows : new int[] {1, 8}) {
      DeviceBuffer x = gpu.allocate((long) rows * maxIn);
      DeviceBuffer out = gpu.allocate((long) rows * maxOut);
      gpu.copyIn(java.lang.foreign.MemorySegment.ofArray(random(rows * maxIn, rows)), x, 0);
      for (int warm = 0; warm < 3; warm++) {
        weights.forEach(w -> gpu.matmul(w, x, out, rows));
      }
      gpu.synchronize();
      int iterations = 20;
      long t0 = System.nanoTime();
      for (int it = 0; it < iterations; it++) {
        weights.forEach(w -> gpu.matmul(w, x, out, rows));
      }
      gpu.synchronize();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double bandwidth = bytes * (double) iterations / seconds;
      System.out.printf("matmul %-14s hidden %d, batch %d: %.1f MB of weights per layer in %.3f ms"
          + " = %.0f GB/s = %.1f%% of peak%n", preset, c.hiddenSize(), rows, bytes / 1e6,
          seconds * 1e3 / iterations, bandwidth / 1e9, 100 * bandwidth / peak);
      x.close();
      out.close();
    }
    weights.forEach(DeviceWeight::close);
  }

  /** Decode steps through layers 16 .. 16+layers of synthetic qwen3-32b-fp8. */
  private static void decode(CudaBackend gpu, int layers, int steps) {
    SyntheticCheckpoint ckpt = SyntheticCheckpoint.preset("qwen3-32b-fp8", 0, 11);
    ModelConfig c = ckpt.config();
    LayerRange range = new LayerRange(16, 16 + layers);
    long t0 = System.nanoTime();
    // generate the slice's weights on every core first; the load then finds them ready
    Qwen3TensorNames.sliceTensors(c, range).parallelStream().forEach(ckpt::tensor);
    int prompt = 64;
    int maxBatch = 8;
    int context = prompt + steps + 16;
    long kvBudget = (long) maxBatch * context * layers * 2L * c.numKvHeads() * c.headDim()
        * DType.BF16.bytes() * 2;
    try (SliceModel slice = SliceModel.load(ckpt, range, gpu,
        new SliceOptions(kvBudget, SliceOptions.DEFAULT_BLOCK_SIZE, DType.BF16, context))) {
      ckpt.close();
      System.out.printf("slice %s of %s: %.1f GB on the GPU, loaded in %.1f s%n", range, c.name(),
          slice.memory().weightBytes() / 1e9, (System.nanoTime() - t0) / 1e9);
      for (int batch : new int[] {1, maxBatch}) {
        List<SliceInput> inputs = new ArrayList<>();
        for (int s = 0; s < batch; s++) {
          inputs.add(SliceInput.ofHidden("b" + batch + "-" + s, 0, prompt,
              random(prompt * c.hiddenSize(), s), false));
        }
        slice.forward(inputs); // prefill
        float[] hidden = random(c.hiddenSize(), 99);
        double seconds = 0;
        for (int step = 0; step < steps; step++) {
          List<SliceInput> decode = new ArrayList<>();
          for (int s = 0; s < batch; s++) {
            decode.add(SliceInput.ofHidden("b" + batch + "-" + s, prompt + step, 1, hidden,
                false));
          }
          long t = System.nanoTime();
          List<SliceOutput> out = slice.forward(decode);
          if (step >= 2) { // the first steps warm up the JIT and the launch path
            seconds += (System.nanoTime() - t) / 1e9;
          }
          hidden = out.get(0).hidden();
        }
        int timed = steps - 2;
        System.out.printf("decode %d layers of %s, batch %d: %.2f ms per step, %.1f tokens/s"
            + " (%.1f steps/s)%n", layers, c.name(), batch, seconds * 1e3 / timed,
            batch * timed / seconds, timed / seconds);
        for (int s = 0; s < batch; s++) {
          slice.free("b" + batch + "-" + s);
        }
      }
    }
  }

  private static float[] random(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }
}
