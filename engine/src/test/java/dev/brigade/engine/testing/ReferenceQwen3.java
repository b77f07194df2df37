package dev.brigade.engine.testing;

import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.numeric.Dequantize;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * An independent Qwen3 forward pass for tests, in double precision on plain arrays, written
 * from the transformers modelling code rather than from the engine: whole-sequence causal
 * attention with no cache, RoPE angles in double. It returns the logits at every position.
 */
public final class ReferenceQwen3 {
  private final ModelConfig c;
  private final Weights w;

  /** Where the reference gets each weight's exact f32 values. */
  private record Weights(Function<String, float[]> source, Map<String, float[]> cache) {
    float[] values(String name) {
      return cache.computeIfAbsent(name, source);
    }
  }

  public ReferenceQwen3(MemoryCheckpoint checkpoint) {
    this.c = checkpoint.config();
    this.w = new Weights(checkpoint::values, new HashMap<>());
  }

  /** A reference over any checkpoint, dequantising its tensors with engine-weights' codecs. */
  public ReferenceQwen3(Checkpoint checkpoint) {
    this.c = checkpoint.config();
    this.w = new Weights(name -> {
      TensorData t = checkpoint.tensor(name);
      return t.dtype() == DType.F8_E4M3
          ? Dequantize.fp8Blocks(t, checkpoint.tensor(name + "_scale_inv"))
          : Dequantize.toFloats(t);
    }, new HashMap<>());
  }

  /** logits[t][vocab] for every position t of {@code tokens}. */
  public double[][] logits(int[] tokens) {
    int n = tokens.length;
    int hidden = c.hiddenSize();
    float[] embed = w.values("model.embed_tokens.weight");
    double[][] x = new double[n][hidden];
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < hidden; j++) {
        x[t][j] = embed[tokens[t] * hidden + j];
      }
    }
    for (int l = 0; l < c.numLayers(); l++) {
      x = layer(l, x);
    }
    float[] head = w.values(c.tieWordEmbeddings() ? "model.embed_tokens.weight"
        : "lm_head.weight");
    double[][] out = new double[n][];
    for (int t = 0; t < n; t++) {
      double[] normed = rmsNorm(x[t], w.values("model.norm.weight"));
      out[t] = matVec(head, c.vocabSize(), hidden, normed);
    }
    return out;
  }

  private double[][] layer(int l, double[][] x) {
    String p = "model.layers." + l + ".";
    int n = x.length;
    int hidden = c.hiddenSize();
    int heads = c.numHeads();
    int kvHeads = c.numKvHeads();
    int d = c.headDim();
    double[][][] q = new double[n][heads][];
    double[][][] k = new double[n][kvHeads][];
    double[][][] v = new double[n][kvHeads][];
    for (int t = 0; t < n; t++) {
      double[] h = rmsNorm(x[t], w.values(p + "input_layernorm.weight"));
      double[] qf = matVec(w.values(p + "self_attn.q_proj.weight"), heads * d, hidden, h);
      double[] kf = matVec(w.values(p + "self_attn.k_proj.weight"), kvHeads * d, hidden, h);
      double[] vf = matVec(w.values(p + "self_attn.v_proj.weight"), kvHeads * d, hidden, h);
      for (int hh = 0; hh < heads; hh++) {
        double[] one = java.util.Arrays.copyOfRange(qf, hh * d, (hh + 1) * d);
        q[t][hh] = rope(rmsNorm(one, w.values(p + "self_attn.q_norm.weight")), t);
      }
      for (int hh = 0; hh < kvHeads; hh++) {
        double[] one = java.util.Arrays.copyOfRange(kf, hh * d, (hh + 1) * d);
        k[t][hh] = rope(rmsNorm(one, w.values(p + "self_attn.k_norm.weight")), t);
        v[t][hh] = java.util.Arrays.copyOfRange(vf, hh * d, (hh + 1) * d);
      }
    }
    double[][] out = new double[n][];
    int groups = heads / kvHeads;
    for (int t = 0; t < n; t++) {
      double[] attn = new double[heads * d];
      for (int hh = 0; hh < heads; hh++) {
        int kvh = hh / groups;
        double[] s = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u <= t; u++) {
          s[u] = dot(q[t][hh], k[u][kvh]) / Math.sqrt(d);
          max = Math.max(max, s[u]);
        }
        double z = 0;
        for (int u = 0; u <= t; u++) {
          s[u] = Math.exp(s[u] - max);
          z += s[u];
        }
        for (int u = 0; u <= t; u++) {
          for (int i = 0; i < d; i++) {
            attn[hh * d + i] += s[u] / z * v[u][kvh][i];
          }
        }
      }
      double[] o = matVec(w.values(p + "self_attn.o_proj.weight"), hidden, heads * d, attn);
      double[] x1 = new double[hidden];
      for (int j = 0; j < hidden; j++) {
        x1[j] = x[t][j] + o[j];
      }
      double[] h = rmsNorm(x1, w.values(p + "post_attention_layernorm.weight"));
      int inter = c.intermediateSize();
      double[] g = matVec(w.values(p + "mlp.gate_proj.weight"), inter, hidden, h);
      double[] u = matVec(w.values(p + "mlp.up_proj.weight"), inter, hidden, h);
      double[] a = new double[inter];
      for (int i = 0; i < inter; i++) {
        a[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
      }
      double[] down = matVec(w.values(p + "mlp.down_proj.weight"), hidden, inter, a);
      for (int j = 0; j < hidden; j++) {
        x1[j] += down[j];
      }
      out[t] = x1;
    }
    return out;
  }

  /** Rotate-half: dimension i pairs with i + d/2, frequency theta^(-2i/d). */
  private double[] rope(double[] x, int pos) {
    int d = x.length;
    double[] out = new double[d];
    for (int i = 0; i < d / 2; i++) {
      double angle = pos * Math.pow(c.ropeTheta(), -2.0 * i / d);
      out[i] = x[i] * Math.cos(angle) - x[i + d / 2] * Math.sin(angle);
      out[i + d / 2] = x[i + d / 2] * Math.cos(angle) + x[i] * Math.sin(angle);
    }
    return out;
  }

  private double[] rmsNorm(double[] x, float[] weight) {
    double ss = 0;
    for (double v : x) {
      ss += v * v;
    }
    double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = weight[i] * (x[i] * inv);
    }
    return out;
  }

  private static double[] matVec(float[] m, int rows, int cols, double[] x) {
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double acc = 0;
      for (int j = 0; j < cols; j++) {
        acc += m[r * cols + j] * x[j];
      }
      out[r] = acc;
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
