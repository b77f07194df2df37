package dev.brigade.engine.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses the next token from a row of logits.
 *
 * <p>Order of operations (as in Hugging Face and vLLM):
 *
 * <ol>
 *   <li>penalties on a copy of the logits: repetition (HF: a seen logit is divided by the penalty
 *       when positive, multiplied when negative) over every distinct token of prompt and output;
 *       then presence and frequency (OpenAI: {@code logit -= count * frequency + presence} for each
 *       token with {@code count > 0}) counted over the generated tokens only;
 *   <li>temperature 0: the largest penalised logit, lowest id on ties; no randomness;
 *   <li>otherwise temperature scaling, then top-k, top-p (keep the most likely tokens while the
 *       probability before them is below p, within the top-k set), then min-p (keep tokens whose
 *       probability is at least min-p times the largest);
 *   <li>one uniform draw in [0, 1) that is a pure function of (seed, position), walked over the
 *       kept tokens in a fixed order: so a sequence resumed elsewhere with the same seed picks
 *       the same tokens from the same logits.
 * </ol>
 *
 * <p>Log-probabilities are the log-softmax of the raw logits (before penalties and temperature),
 * vLLM's default ("raw_logprobs").
 *
 * <p>Not thread-safe: it owns scratch arrays the size of the vocabulary, allocated once, so use
 * one sampler per thread. Top-k and top-p select candidates with a bounded heap instead of
 * sorting the vocabulary.
 */
public final class Sampler {

  /** OpenAI allows at most 20 alternatives per token. */
  public static final int MAX_TOP_LOGPROBS = 20;

  private static final int FIRST_TOP_P_CANDIDATES = 256;
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private float[] work = new float[0];
  private int[] seenStamp = new int[0];
  private int[] counts = new int[0];
  private long[] heap = new long[0];
  private float[] scaled = new float[0];
  private int stamp;

  /** Throws IllegalArgumentException naming the first out-of-range parameter. */
  public static void validate(SamplingParams p) {
    if (!(p.temperature() >= 0) || Double.isInfinite(p.temperature())) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + p.temperature());
    }
    if (p.topK() < 0) throw new IllegalArgumentException("top_k must be >= 0 (0 disables it), got " + p.topK());
    if (!(p.topP() > 0 && p.topP() <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + p.topP());
    if (!(p.minP() >= 0 && p.minP() <= 1)) throw new IllegalArgumentException("min_p must be in [0, 1], got " + p.minP());
    if (!(p.repetitionPenalty() > 0) || Double.isInfinite(p.repetitionPenalty())) {
      throw new IllegalArgumentException("repetition_penalty must be > 0, got " + p.repetitionPenalty());
    }
    if (!Double.isFinite(p.presencePenalty())) {
      throw new IllegalArgumentException("presence_penalty must be finite, got " + p.presencePenalty());
    }
    if (!Double.isFinite(p.frequencyPenalty())) {
      throw new IllegalArgumentException("frequency_penalty must be finite, got " + p.frequencyPenalty());
    }
    if (p.topLogprobs() < -1 || p.topLogprobs() > MAX_TOP_LOGPROBS) {
      throw new IllegalArgumentException(
          "top_logprobs must be in 0.." + MAX_TOP_LOGPROBS + " (or -1 for none), got " + p.topLogprobs());
    }
  }

  /**
   * Picks the token for {@code position} (the index the new token will have in the sequence).
   * {@code logits} is not modified.
   */
  public SampledToken sample(float[] logits, SamplingParams p, int position, TokenHistory history) {
    validate(p);
    int vocab = logits.length;
    if (vocab == 0) throw new IllegalArgumentException("no logits to sample from");
    ensureCapacity(vocab);
    float[] x = logits;
    if (hasPenalties(p) && history.length() > 0) {
      x = work;
      System.arraycopy(logits, 0, x, 0, vocab);
      applyPenalties(x, vocab, p, history);
    } else {
      checkHistory(history, vocab);
    }

    int token = p.isGreedy() ? argmax(x, vocab) : draw(x, vocab, p, uniform(p.seed(), position));

    if (!p.wantsLogprobs()) return new SampledToken(token, Float.NaN, List.of());
    double logSumExp = logSumExp(logits);
    float chosen = (float) (logits[token] - logSumExp);
    int n = Math.min(p.topLogprobs(), vocab);
    List<TokenLogprob> top = new ArrayList<>(n);
    if (n > 0) {
      selectTop(logits, vocab, n);
      Arrays.sort(heap, 0, n);
      for (int i = 0; i < n; i++) {
        int id = (int) heap[i];
        top.add(new TokenLogprob(id, (float) (logits[id] - logSumExp)));
      }
    }
    return new SampledToken(token, chosen, top);
  }

  /** The random number for a position: a pure function of (seed, position), uniform in [0, 1). */
  public static double uniform(long seed, long position) {
    long z = mix64(seed ^ mix64((position + 1) * GOLDEN_GAMMA));
    return (z >>> 11) * 0x1.0p-53;
  }

  private static boolean hasPenalties(SamplingParams p) {
    return p.repetitionPenalty() != 1 || p.presencePenalty() != 0 || p.frequencyPenalty() != 0;
  }

  private static void checkHistory(TokenHistory h, int vocab) {
    int[] ids = h.ids();
    for (int i = 0; i < h.length(); i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException("token " + ids[i] + " in the history is outside the vocabulary of " + vocab);
      }
    }
  }

  private void applyPenalties(float[] x, int vocab, SamplingParams p, TokenHistory h) {
    checkHistory(h, vocab);
    int[] ids = h.ids();
    if (p.repetitionPenalty() != 1) {
      float penalty = (float) p.repetitionPenalty();
      int epoch = nextStamp();
      for (int i = 0; i < h.length(); i++) {
        int t = ids[i];
        if (seenStamp[t] == epoch) continue;
        seenStamp[t] = epoch;
        x[t] = x[t] > 0 ? x[t] / penalty : x[t] * penalty;
      }
    }
    if (p.presencePenalty() != 0 || p.frequencyPenalty() != 0) {
      for (int i = h.promptLength(); i < h.length(); i++) counts[ids[i]]++;
      for (int i = h.promptLength(); i < h.length(); i++) {
        int t = ids[i];
        int c = counts[t];
        if (c == 0) continue; // already applied for this token
        x[t] -= (float) (c * p.frequencyPenalty() + p.presencePenalty());
        counts[t] = 0;
      }
    }
  }

  /**
   * Temperature, filters and the draw. Scaled logits are {@code (x - max) / T}: the best is 0,
   * so nothing overflows at tiny temperatures. They are computed where needed, never stored for
   * the whole vocabulary except in the unfiltered case.
   */
  private int draw(float[] x, int vocab, SamplingParams p, double u) {
    float max = x[argmax(x, vocab)];
    float invT = (float) (1.0 / p.temperature());
    // Min-p in log space: p_i >= minP * p_max  <=>  scaled_i >= ln(minP), since scaled_max = 0.
    float minLog = p.minP() > 0 ? (float) Math.log(p.minP()) : Float.NEGATIVE_INFINITY;

    boolean topK = p.topK() > 0 && p.topK() < vocab;
    boolean topP = p.topP() < 1;
    if (!topK && !topP) return drawFromAll(x, vocab, max, invT, minLog, u);

    // Candidates most likely first (scaling keeps the order); with top-p alone, grow the
    // candidate set until it covers p.
    double zAll = 0;
    if (!topK) {
      for (int i = 0; i < vocab; i++) zAll += Math.exp((x[i] - max) * invT);
    }
    int m = topK ? p.topK() : Math.min(vocab, FIRST_TOP_P_CANDIDATES);
    while (true) {
      selectTop(x, vocab, m);
      Arrays.sort(heap, 0, m);
      if (scaled.length < m) scaled = new float[Math.max(m, Math.min(vocab, 2 * scaled.length))];
      for (int i = 0; i < m; i++) scaled[i] = (x[(int) heap[i]] - max) * invT;
      double z = zAll;
      if (topK) {
        for (int i = 0; i < m; i++) z += Math.exp(scaled[i]);
      }
      int keep = topP ? topPCount(scaled, m, z * p.topP(), topK || m == vocab) : m;
      if (keep > 0) {
        keep = minPCount(scaled, keep, minLog);
        return drawFromCandidates(scaled, keep, u);
      }
      m = Math.min(vocab, m * 8); // the m best did not reach p: look further
    }
  }

  /**
   * How many leading candidates top-p keeps; 0 if all m would be kept but the set is not
   * {@code complete} (candidates beyond m might be needed too).
   */
  private static int topPCount(float[] scaled, int m, double massToReach, boolean complete) {
    double before = 0;
    for (int i = 0; i < m; i++) {
      if (before >= massToReach) return i;
      before += Math.exp(scaled[i]);
    }
    return complete ? m : 0;
  }

  private static int minPCount(float[] scaled, int keep, float minLog) {
    int k = 1; // the best token always survives
    while (k < keep && scaled[k] >= minLog) k++;
    return k;
  }

  private int drawFromCandidates(float[] scaled, int keep, double u) {
    double total = 0;
    for (int i = 0; i < keep; i++) total += Math.exp(scaled[i]);
    double target = u * total;
    double cumulative = 0;
    for (int i = 0; i < keep; i++) {
      cumulative += Math.exp(scaled[i]);
      if (cumulative > target) return (int) heap[i];
    }
    return (int) heap[keep - 1];
  }

  /** No top-k or top-p: weights for the whole vocabulary go into the scratch array. */
  private int drawFromAll(float[] x, int vocab, float max, float invT, float minLog, double u) {
    float[] w = work; // may alias x (penalised copy): each entry is read before it is written
    double total = 0;
    for (int i = 0; i < vocab; i++) {
      float s = (x[i] - max) * invT;
      float weight = s >= minLog ? (float) Math.exp(s) : 0f;
      w[i] = weight;
      total += weight;
    }
    double target = u * total;
    double cumulative = 0;
    int last = 0;
    for (int i = 0; i < vocab; i++) {
      if (w[i] == 0) continue;
      cumulative += w[i];
      last = i;
      if (cumulative > target) return i;
    }
    return last;
  }

  /**
   * Leaves the {@code m} best entries of {@code values} in {@code heap[0, m)} (unordered), each as
   * a key whose ascending order is value descending, then id ascending. A max-heap of size m
   * holds the best so far; its root is the worst of them, so most entries cost one comparison.
   */
  private void selectTop(float[] values, int vocab, int m) {
    long[] h = heap;
    int size = 0;
    for (int i = 0; i < vocab; i++) {
      long key = key(values[i], i);
      if (size < m) {
        int c = size++;
        while (c > 0) {
          int parent = (c - 1) >>> 1;
          if (h[parent] >= key) break;
          h[c] = h[parent];
          c = parent;
        }
        h[c] = key;
      } else if (key < h[0]) {
        int c = 0;
        while (true) {
          int child = 2 * c + 1;
          if (child >= m) break;
          if (child + 1 < m && h[child + 1] > h[child]) child++;
          if (h[child] <= key) break;
          h[c] = h[child];
          c = child;
        }
        h[c] = key;
      }
    }
  }

  /** A long that sorts ascending by value descending, then by id ascending. */
  private static long key(float value, int id) {
    int bits = Float.floatToIntBits(value);
    int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF); // signed order == float order
    long descending = ~(long) ascending;
    return (descending << 32) | (id & 0xFFFFFFFFL);
  }

  private static int argmax(float[] x, int vocab) {
    int best = 0;
    float bestValue = x[0];
    for (int i = 1; i < vocab; i++) {
      if (x[i] > bestValue) {
        bestValue = x[i];
        best = i;
      }
    }
    return best;
  }

  private static double logSumExp(float[] logits) {
    float max = logits[argmax(logits, logits.length)];
    double sum = 0;
    for (float l : logits) sum += Math.exp(l - max);
    return max + Math.log(sum);
  }

  private int nextStamp() {
    if (++stamp == Integer.MAX_VALUE) {
      Arrays.fill(seenStamp, 0);
      stamp = 1;
    }
    return stamp;
  }

  private void ensureCapacity(int vocab) {
    if (work.length >= vocab) return;
    work = new float[vocab];
    seenStamp = new int[vocab];
    counts = new int[vocab];
    heap = new long[vocab];
    stamp = 0;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
