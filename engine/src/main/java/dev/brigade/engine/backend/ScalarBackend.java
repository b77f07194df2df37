package dev.brigade.engine.backend;

/**
 * The plainest possible implementation of every op: single-threaded loops, double accumulators,
 * exact dtype conversions. It is the test oracle every other backend is compared against, so
 * it stays simple rather than fast.
 */
public final class ScalarBackend extends HostBackend {

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void embed(DeviceWeight table, int[] tokens, DeviceBuffer out) {
    HostWeight t = HostWeight.of(table);
    float[] o = HostBuffer.of(out, tokens.length * t.cols, "embedding output").data;
    for (int r = 0; r < tokens.length; r++) {
      if (tokens[r] < 0 || tokens[r] >= t.rows) {
        throw new IllegalArgumentException("token id " + tokens[r] + " outside the vocabulary of "
            + t.rows);
      }
      for (int j = 0; j < t.cols; j++) {
        o[(int) (r * t.cols + j)] = (float) t.get(tokens[r], j);
      }
    }
  }

  @Override
  public void matmul(DeviceWeight w, DeviceBuffer x, DeviceBuffer out, int rows) {
    HostWeight wt = HostWeight.of(w);
    int in = (int) wt.cols;
    int outDim = (int) wt.rows;
    float[] xs = HostBuffer.of(x, (long) rows * in, "matmul input").data;
    float[] os = HostBuffer.of(out, (long) rows * outDim, "matmul output").data;
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < outDim; o++) {
        double acc = 0;
        for (int i = 0; i < in; i++) {
          acc += wt.get(o, i) * xs[r * in + i];
        }
        os[r * outDim + o] = (float) acc;
      }
    }
  }

  @Override
  public void rmsNorm(DeviceBuffer x, DeviceWeight weight, DeviceBuffer out, int groups,
      float eps) {
    HostWeight wt = HostWeight.of(weight);
    int dim = (int) wt.cols;
    float[] xs = HostBuffer.of(x, (long) groups * dim, "rmsNorm input").data;
    float[] os = HostBuffer.of(out, (long) groups * dim, "rmsNorm output").data;
    for (int g = 0; g < groups; g++) {
      double sumSquares = 0;
      for (int j = 0; j < dim; j++) {
        double v = xs[g * dim + j];
        sumSquares += v * v;
      }
      double inverseRms = 1.0 / Math.sqrt(sumSquares / dim + eps);
      for (int j = 0; j < dim; j++) {
        os[g * dim + j] = (float) (wt.get(0, j) * (xs[g * dim + j] * inverseRms));
      }
    }
  }

  @Override
  public void rope(DeviceBuffer x, int heads, RopeTable rope, BatchLayout layout) {
    int d = rope.headDim();
    int half = d / 2;
    float[] xs = HostBuffer.of(x, (long) layout.rows() * heads * d, "rope input").data;
    for (int r = 0; r < layout.rows(); r++) {
      int pos = layout.positions()[r];
      for (int h = 0; h < heads; h++) {
        int base = (r * heads + h) * d;
        for (int i = 0; i < half; i++) {
          double c = rope.cos(pos, i);
          double s = rope.sin(pos, i);
          double a = xs[base + i];
          double b = xs[base + i + half];
          xs[base + i] = (float) (a * c - b * s);
          xs[base + i + half] = (float) (b * c + a * s);
        }
      }
    }
  }

  @Override
  public void attention(KvStore kv, int layer, DeviceBuffer q, DeviceBuffer out, int heads,
      BatchLayout layout) {
    HostKvStore store = HostKvStore.of(kv, layer);
    KvGeometry g = store.geometry();
    int d = g.headDim();
    int group = heads / g.kvHeads();
    float[] qs = HostBuffer.of(q, (long) layout.rows() * heads * d, "attention query").data;
    float[] os = HostBuffer.of(out, (long) layout.rows() * heads * d, "attention output").data;
    double scale = 1.0 / Math.sqrt(d);
    for (int r = 0; r < layout.rows(); r++) {
      int seq = layout.rowSequence()[r];
      int pos = layout.positions()[r];
      for (int h = 0; h < heads; h++) {
        int kvHead = h / group;
        int qBase = (r * heads + h) * d;
        double[] scores = new double[pos + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t <= pos; t++) {
          long kBase = store.index(layer, layout.slotOf(seq, t), kvHead);
          double dot = 0;
          for (int i = 0; i < d; i++) {
            dot += (double) qs[qBase + i] * store.get(store.keys, kBase, i);
          }
          scores[t] = dot * scale;
          max = Math.max(max, scores[t]);
        }
        double sum = 0;
        for (int t = 0; t <= pos; t++) {
          scores[t] = Math.exp(scores[t] - max);
          sum += scores[t];
        }
        for (int i = 0; i < d; i++) {
          double acc = 0;
          for (int t = 0; t <= pos; t++) {
            long vBase = store.index(layer, layout.slotOf(seq, t), kvHead);
            acc += scores[t] * store.get(store.values, vBase, i);
          }
          os[qBase + i] = (float) (acc / sum);
        }
      }
    }
  }

  @Override
  public void siluMul(DeviceBuffer gate, DeviceBuffer up, DeviceBuffer out, long count) {
    float[] g = HostBuffer.of(gate, count, "siluMul gate").data;
    float[] u = HostBuffer.of(up, count, "siluMul up").data;
    float[] o = HostBuffer.of(out, count, "siluMul output").data;
    for (int i = 0; i < count; i++) {
      double x = g[i];
      o[i] = (float) (x / (1 + Math.exp(-x)) * u[i]);
    }
  }

  @Override
  public void add(DeviceBuffer x, DeviceBuffer y, long count) {
    float[] xs = HostBuffer.of(x, count, "add target").data;
    float[] ys = HostBuffer.of(y, count, "add operand").data;
    for (int i = 0; i < count; i++) {
      xs[i] += ys[i];
    }
  }

  @Override
  public void gatherRows(DeviceBuffer src, int[] rows, int width, DeviceBuffer dst) {
    float[] s = ((HostBuffer) src).data;
    float[] d = HostBuffer.of(dst, (long) rows.length * width, "gatherRows destination").data;
    for (int j = 0; j < rows.length; j++) {
      HostBuffer.of(src, (long) (rows[j] + 1) * width, "gatherRows source");
      System.arraycopy(s, rows[j] * width, d, j * width, width);
    }
  }
}
