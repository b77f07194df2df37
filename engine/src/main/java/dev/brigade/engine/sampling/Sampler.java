package dev.brigade.engine.sampling;

import dev.brigade.engine.numeric.FloatExp;
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
 * one sampler per thread. Nothing sorts the vocabulary: top-k keeps a bounded heap, top-p
 * buckets the weights and sorts only the buckets it may keep. Exponentials are computed in
 * float arithmetic ({@link FloatExp}) so that draws are the same bits on every platform.
 */
public final class Sampler {

  /** OpenAI allows at most 20 alternatives per token. */
  public static final int MAX_TOP_LOGPROBS = 20;

  private static final int BUCKET_SHIFT = 19;
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private float[] work = new float[0];
  private int[] seenStamp = new int[0];
  private int[] counts = new int[0];
  private long[] heap = new long[0];
  private float[] candidates = new float[0];
  /** Weights in [0, 1] bucketed by float bits >>> 19: 8 exponent bits and 4 mantissa bits. */
  private final double[] bucketMass = new double[(Float.floatToRawIntBits(1f) >>> BUCKET_SHIFT) + 1];
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
   * {@code logits} is not modified; a null history means no tokens yet.
   */
  public SampledToken sample(float[] logits, SamplingParams p, int position, TokenHistory history) {
    validate(p);
    if (history == null) history = TokenHistory.EMPTY;
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
   * Temperature, filters and the draw, on weights {@code w = exp((x - max) / T)}: the best token
   * weighs exactly 1, nothing overflows at tiny temperatures, and min-p is simply
   * {@code w >= minP}. Candidate order is weight descending, then id ascending.
   */
  private int draw(float[] x, int vocab, SamplingParams p, double u) {
    float max = x[argmax(x, vocab)];
    float invT = (float) (1.0 / p.temperature());
    float minWeight = (float) p.minP();
    boolean topP = p.topP() < 1;
    int m;
    int keep;
    if (p.topK() > 0 && p.topK() < vocab) {
      // Top-k: the k best by a bounded heap, then top-p within them (renormalised over the k).
      m = p.topK();
      selectTop(x, vocab, m);
      Arrays.sort(heap, 0, m);
      float[] w = candidateWeights(m);
      double z = 0;
      for (int i = 0; i < m; i++) {
        w[i] = FloatExp.exp((x[(int) heap[i]] - max) * invT);
        z += w[i];
      }
      keep = topP ? topPCount(w, m, z * p.topP()) : m;
    } else {
      float[] all = work; // may alias x (the penalised copy): each entry is read before written
      double z = 0;
      for (int i = 0; i < vocab; i++) {
        all[i] = FloatExp.exp((x[i] - max) * invT);
        z += all[i];
      }
      if (!topP) return drawFromAll(all, vocab, minWeight, u);
      m = collectTopPCandidates(all, vocab, z * p.topP());
      Arrays.sort(heap, 0, m);
      float[] w = candidateWeights(m);
      for (int i = 0; i < m; i++) w[i] = all[(int) heap[i]];
      keep = topPCount(w, m, z * p.topP());
    }
    keep = minPCount(candidates, keep, minWeight);
    return drawFromCandidates(candidates, keep, u);
  }

  /**
   * Puts into {@code heap} the keys of every token that top-p might keep, without sorting the
   * vocabulary: weights are bucketed by their float exponent and top 4 mantissa bits, and
   * buckets are taken from the heaviest down until they hold the mass to reach. Tokens in lower
   * buckets have at least that mass before them, so top-p drops them. Returns the count.
   */
  private int collectTopPCandidates(float[] w, int vocab, double massToReach) {
    Arrays.fill(bucketMass, 0);
    for (int i = 0; i < vocab; i++) bucketMass[Float.floatToRawIntBits(w[i]) >>> BUCKET_SHIFT] += w[i];
    int lowest = bucketMass.length - 1;
    double cumulative = 0;
    while (lowest > 0) {
      cumulative += bucketMass[lowest];
      if (cumulative >= massToReach) break;
      lowest--;
    }
    int m = 0;
    for (int i = 0; i < vocab; i++) {
      if (Float.floatToRawIntBits(w[i]) >>> BUCKET_SHIFT >= lowest) heap[m++] = key(w[i], i);
    }
    return m;
  }

  private float[] candidateWeights(int m) {
    if (candidates.length < m) candidates = new float[Math.max(m, 2 * candidates.length)];
    return candidates;
  }

  /** How many leading candidates top-p keeps: each one whose predecessors weigh less than the mass to reach. */
  private static int topPCount(float[] w, int m, double massToReach) {
    double before = 0;
    for (int i = 0; i < m; i++) {
      if (before >= massToReach) return i;
      before += w[i];
    }
    return m;
  }

  private static int minPCount(float[] w, int keep, float minWeight) {
    int k = 1; // the best token always survives
    while (k < keep && w[k] >= minWeight) k++;
    return k;
  }

  private int drawFromCandidates(float[] w, int keep, double u) {
    double total = 0;
    for (int i = 0; i < keep; i++) total += w[i];
    double target = u * total;
    double cumulative = 0;
    for (int i = 0; i < keep; i++) {
      cumulative += w[i];
      if (cumulative > target) return (int) heap[i];
    }
    return (int) heap[keep - 1];
  }

  /** No top-k or top-p: walk the whole vocabulary in id order. */
  private static int drawFromAll(float[] w, int vocab, float minWeight, double u) {
    double total = 0;
    for (int i = 0; i < vocab; i++) {
      if (w[i] >= minWeight) total += w[i];
    }
    double target = u * total;
    double cumulative = 0;
    int last = 0;
    for (int i = 0; i < vocab; i++) {
      if (w[i] == 0 || w[i] < minWeight) continue;
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
    for (float l : logits) sum += FloatExp.exp(l - max);
    return max + StrictMath.log(sum);
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
