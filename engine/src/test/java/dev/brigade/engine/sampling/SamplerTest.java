package dev.brigade.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

  private final Sampler sampler = new Sampler();

  private static SamplingParams params(double temperature, int topK, double topP, double minP, long seed) {
    return new SamplingParams(temperature, topK, topP, minP, 1, 0, 0, seed, -1);
  }

  private static SamplingParams penalties(double repetition, double presence, double frequency) {
    return new SamplingParams(0, 0, 1, 0, repetition, presence, frequency, 0, -1);
  }

  /** Logits whose softmax is exactly the given probabilities. */
  private static float[] logitsOf(double... probs) {
    float[] l = new float[probs.length];
    for (int i = 0; i < probs.length; i++) l[i] = (float) Math.log(probs[i]);
    return l;
  }

  private int[] histogram(float[] logits, SamplingParams p, int draws) {
    int[] counts = new int[logits.length];
    for (int pos = 0; pos < draws; pos++) counts[sampler.sample(logits, p, pos, TokenHistory.EMPTY).token()]++;
    return counts;
  }

  @Test
  void greedyTakesTheLargestLogitAndTheLowestIdOnTies() {
    float[] logits = {0.5f, 3f, -1f, 3f, 2.9f};
    assertEquals(1, sampler.sample(logits, SamplingParams.greedy(), 0, TokenHistory.EMPTY).token());
    assertEquals(1, sampler.sample(logits, SamplingParams.greedy(), 99, TokenHistory.EMPTY).token());
  }

  @Test
  void sameSeedAndPositionGiveTheSameTokenOnAnySampler() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] logits = new float[5000];
    for (int i = 0; i < logits.length; i++) logits[i] = (float) rnd.nextGaussian();
    SamplingParams p = params(1.0, 0, 1, 0, 1234);
    for (int pos = 0; pos < 50; pos++) {
      int a = sampler.sample(logits, p, pos, TokenHistory.EMPTY).token();
      int b = new Sampler().sample(logits, p, pos, TokenHistory.EMPTY).token();
      assertEquals(a, b, "position " + pos);
    }
  }

  @Test
  void differentPositionsAndSeedsDrawDifferently() {
    float[] flat = new float[1000];
    Set<Integer> tokens = new HashSet<>();
    for (int pos = 0; pos < 100; pos++) tokens.add(sampler.sample(flat, params(1, 0, 1, 0, 7), pos, TokenHistory.EMPTY).token());
    assertTrue(tokens.size() > 80, "only " + tokens.size() + " distinct tokens over 100 positions");
    int same = 0;
    for (int pos = 0; pos < 100; pos++) {
      int a = sampler.sample(flat, params(1, 0, 1, 0, 7), pos, TokenHistory.EMPTY).token();
      int b = sampler.sample(flat, params(1, 0, 1, 0, 8), pos, TokenHistory.EMPTY).token();
      if (a == b) same++;
    }
    assertTrue(same < 5, same + " of 100 positions agree across seeds");
    assertNotEquals(Sampler.uniform(1, 0), Sampler.uniform(1, 1));
    assertEquals(Sampler.uniform(42, 17), Sampler.uniform(42, 17));
  }

  @Test
  void drawsFollowTheDistribution() {
    int[] counts = histogram(logitsOf(0.5, 0.3, 0.2), params(1, 0, 1, 0, 11), 20_000);
    assertEquals(0.5, counts[0] / 20_000.0, 0.02);
    assertEquals(0.3, counts[1] / 20_000.0, 0.02);
    assertEquals(0.2, counts[2] / 20_000.0, 0.02);
  }

  @Test
  void temperatureSharpensAndFlattens() {
    float[] logits = logitsOf(0.6, 0.4);
    int[] cold = histogram(logits, params(0.25, 0, 1, 0, 5), 4000);
    int[] hot = histogram(logits, params(4, 0, 1, 0, 5), 4000);
    // At T=0.25 the odds become (0.6/0.4)^4 ~ 5.1:1; at T=4, (1.5)^0.25 ~ 1.1:1.
    assertEquals(5.06 / 6.06, cold[0] / 4000.0, 0.03);
    assertEquals(1.107 / 2.107, hot[0] / 4000.0, 0.03);
  }

  @Test
  void topKKeepsOnlyTheKBest() {
    float[] logits = logitsOf(0.1, 0.3, 0.05, 0.25, 0.2, 0.1);
    int[] counts = histogram(logits, params(1, 3, 1, 0, 2), 3000);
    assertEquals(0, counts[0] + counts[2] + counts[5]);
    assertTrue(counts[1] > 0 && counts[3] > 0 && counts[4] > 0);
    // Renormalised over the three: 0.3/0.75 = 0.4.
    assertEquals(0.4, counts[1] / 3000.0, 0.03);
  }

  @Test
  void topPKeepsTheSmallestPrefixReachingP() {
    float[] logits = logitsOf(0.15, 0.5, 0.05, 0.3);
    int[] at75 = histogram(logits, params(1, 0, 0.75, 0, 3), 3000);
    assertEquals(0, at75[0] + at75[2]);
    assertTrue(at75[1] > 0 && at75[3] > 0);
    int[] at85 = histogram(logits, params(1, 0, 0.85, 0, 3), 3000);
    assertEquals(0, at85[2]);
    assertTrue(at85[0] > 0);
  }

  @Test
  void topPOnAFlatVocabularyLooksPastTheFirstCandidates() {
    float[] flat = new float[151_936];
    int maxSeen = 0;
    for (int pos = 0; pos < 200; pos++) {
      maxSeen = Math.max(maxSeen, sampler.sample(flat, params(1, 0, 0.5, 0, 9), pos, TokenHistory.EMPTY).token());
    }
    // Ties are ordered by id, so top-p 0.5 keeps ids 0..75967; draws spread over all of them.
    assertTrue(maxSeen < 75_968 && maxSeen > 60_000, "largest id drawn " + maxSeen);
  }

  @Test
  void topKAndTopPCombine() {
    float[] logits = logitsOf(0.4, 0.3, 0.2, 0.1);
    // top-k 3 renormalises to 0.444, 0.333, 0.222; top-p 0.7 then keeps the first two.
    int[] counts = histogram(logits, params(1, 3, 0.7, 0, 4), 3000);
    assertEquals(0, counts[2] + counts[3]);
    assertTrue(counts[0] > 0 && counts[1] > 0);
  }

  @Test
  void minPDropsTokensFarBelowTheBest() {
    float[] logits = logitsOf(0.4, 0.25, 0.15, 0.2); // min-p 0.55: keep p >= 0.22
    int[] counts = histogram(logits, params(1, 0, 1, 0.55, 6), 3000);
    assertEquals(0, counts[2] + counts[3]);
    assertTrue(counts[0] > 0 && counts[1] > 0);
    // Also on the top-k path.
    int[] withTopK = histogram(logits, params(1, 3, 1, 0.55, 6), 3000);
    assertEquals(0, withTopK[2] + withTopK[3]);
  }

  @Test
  void repetitionPenaltyCountsPromptAndOutputOnce() {
    float[] logits = {2.0f, 1.9f, -1.0f, -1.1f};
    TokenHistory promptOnly = new TokenHistory(new int[] {0, 0, 0}, 3, 3);
    assertEquals(1, sampler.sample(logits, penalties(1.2, 0, 0), 0, promptOnly).token());
    float[] negative = {-1.0f, -1.1f};
    assertEquals(1, sampler.sample(negative, penalties(1.2, 0, 0), 0, new TokenHistory(new int[] {0}, 1, 0)).token());
    // A penalty below 1 favours repeats.
    assertEquals(1, sampler.sample(new float[] {2.0f, 1.9f}, penalties(0.9, 0, 0), 0, new TokenHistory(new int[] {1}, 1, 1)).token());
  }

  @Test
  void presenceAndFrequencyCountOnlyGeneratedTokens() {
    float[] logits = {2.0f, 1.7f};
    TokenHistory inPrompt = new TokenHistory(new int[] {0, 0, 0}, 3, 3);
    assertEquals(0, sampler.sample(logits, penalties(1, 0.5, 0.5), 0, inPrompt).token());
    TokenHistory generatedOnce = new TokenHistory(new int[] {0}, 1, 0);
    assertEquals(1, sampler.sample(logits, penalties(1, 0.4, 0), 0, generatedOnce).token());
    assertEquals(0, sampler.sample(logits, penalties(1, 0, 0.2), 0, generatedOnce).token());
    TokenHistory generatedTwice = new TokenHistory(new int[] {5, 0, 0}, 3, 1);
    float[] six = {2.0f, 1.7f, 0, 0, 0, 0};
    assertEquals(1, sampler.sample(six, penalties(1, 0, 0.2), 0, generatedTwice).token());
    // A negative presence penalty encourages repeats.
    assertEquals(1, sampler.sample(new float[] {2.0f, 1.7f}, penalties(1, -0.4, 0), 0, new TokenHistory(new int[] {1}, 1, 0)).token());
  }

  @Test
  void logprobsComeFromTheRawLogits() {
    float[] logits = {1f, 3f, 2f, 3f, 0f};
    float[] copy = logits.clone();
    SamplingParams p = new SamplingParams(0, 0, 1, 0, 5, 1, 1, 0, 3);
    SampledToken t = sampler.sample(logits, p, 0, new TokenHistory(new int[] {1, 3}, 2, 0));
    assertArrayEquals(copy, logits, "logits must not be modified");
    assertEquals(2, t.token(), "penalties push the two 3s below 2");
    double lse = Math.log(Math.exp(1) + 2 * Math.exp(3) + Math.exp(2) + 1);
    assertEquals(2 - lse, t.logprob(), 1e-5);
    List<TokenLogprob> top = t.topLogprobs();
    assertEquals(List.of(1, 3, 2), top.stream().map(TokenLogprob::token).toList());
    assertEquals(3 - lse, top.get(0).logprob(), 1e-5);
    SampledToken none = sampler.sample(logits, SamplingParams.greedy(), 0, TokenHistory.EMPTY);
    assertTrue(Float.isNaN(none.logprob()) && none.topLogprobs().isEmpty());
  }

  @Test
  void tinyTemperatureDoesNotOverflow() {
    float[] logits = {30f, 29f, -1e30f, Float.NEGATIVE_INFINITY};
    for (int pos = 0; pos < 20; pos++) {
      assertEquals(0, sampler.sample(logits, params(1e-6, 0, 1, 0, 1), pos, TokenHistory.EMPTY).token());
      assertEquals(0, sampler.sample(logits, params(1e-6, 2, 0.9, 0, 1), pos, TokenHistory.EMPTY).token());
    }
  }

  @Test
  void rejectsBadParametersAndHistories() {
    float[] logits = {1f, 2f};
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits, params(-1, 0, 1, 0, 0), 0, TokenHistory.EMPTY));
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits, params(1, -1, 1, 0, 0), 0, TokenHistory.EMPTY));
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits, params(1, 0, 0, 0, 0), 0, TokenHistory.EMPTY));
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits, params(1, 0, 1, 1.5, 0), 0, TokenHistory.EMPTY));
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits, penalties(0, 0, 0), 0, TokenHistory.EMPTY));
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits, new SamplingParams(0, 0, 1, 0, 1, 0, 0, 0, 21), 0, TokenHistory.EMPTY));
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits, SamplingParams.greedy(), 0, new TokenHistory(new int[] {7}, 1, 0)));
    assertThrows(IllegalArgumentException.class, () -> new TokenHistory(new int[] {1}, 1, 2));
  }

  @Test
  void fullVocabularySamplingRuns() {
    SplittableRandom rnd = new SplittableRandom(1);
    float[] logits = new float[151_936];
    for (int i = 0; i < logits.length; i++) logits[i] = (float) (rnd.nextGaussian() * 3);
    SamplingParams p = new SamplingParams(0.7, 50, 0.9, 0.05, 1.1, 0.2, 0.1, 99, 5);
    int[] history = new int[512];
    for (int i = 0; i < history.length; i++) history[i] = rnd.nextInt(logits.length);
    long t0 = System.nanoTime();
    int first = -1;
    for (int pos = 0; pos < 200; pos++) {
      SampledToken t = sampler.sample(logits, p, 1000, new TokenHistory(history, 512, 256));
      if (first < 0) first = t.token();
      assertEquals(first, t.token());
      assertEquals(5, t.topLogprobs().size());
    }
    System.out.printf("151936-way top-k/top-p/min-p sample: %.3f ms each%n", (System.nanoTime() - t0) / 200 / 1e6);
  }
}
