package dev.brigade.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.numeric.Bf16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The attention kernels against the reduction order their class documents, spelled out in
 * scalar code here, bit for bit, on head sizes with and without paired chunks, plain vectors
 * and scalar tails, and for key counts that are not whole groups of {@link
 * AttentionKernels#KEYS}.
 */
class AttentionKernelsTest {
  private static final int L = CpuKernels.L;
  private static final int[] HEAD_DIMS = {128, 48, 2 * L + 6, L + 3, 7, 4 * L};
  private static final int[] KEY_COUNTS = {1, 3, 4, 5, 9};

  private static float[] gaussians(SplittableRandom rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void aStoredHeadVectorHoldsEveryElementAtItsPosition() {
    SplittableRandom rnd = new SplittableRandom(5);
    try (Arena arena = Arena.ofConfined()) {
      for (int d : HEAD_DIMS) {
        float[] x = gaussians(rnd, d + 3);
        MemorySegment seg = arena.allocate(2L * (d + 8));
        seg.fill((byte) 0x55);
        AttentionKernels.storeHead(x, 3, seg, 2, d);
        boolean[] seen = new boolean[d];
        for (int i = 0; i < d; i++) {
          int p = AttentionKernels.position(i, d);
          assertTrue(p >= 0 && p < d && !seen[p], "position of " + i + " in " + d + ": " + p);
          seen[p] = true;
          assertEquals(Bf16.fromFloat(x[3 + i]), seg.getAtIndex(HostWeight.SHORT, 2 + p),
              "element " + i + " of " + d);
        }
        assertEquals((short) 0x5555, seg.getAtIndex(HostWeight.SHORT, 2 + d), "wrote past d");
        assertEquals((short) 0x5555, seg.getAtIndex(HostWeight.SHORT, 1), "wrote before e");
      }
    }
  }

  /** count head vectors of d elements at scattered places in a store, and their values. */
  private record Store(MemorySegment seg, long[] at, float[][] values) {}

  private static Store store(Arena arena, SplittableRandom rnd, int count, int d, boolean bf16) {
    long[] at = new long[count];
    float[][] values = new float[count][];
    MemorySegment seg = arena.allocate((bf16 ? 2L : 4L) * (count + 2) * d);
    for (int t = 0; t < count; t++) {
      at[t] = (long) (count - t) * d; // not in key order
      float[] x = gaussians(rnd, d);
      values[t] = new float[d];
      if (bf16) {
        AttentionKernels.storeHead(x, 0, seg, at[t], d);
        for (int i = 0; i < d; i++) {
          values[t][i] = Bf16.toFloat(Bf16.fromFloat(x[i]));
        }
      } else {
        for (int i = 0; i < d; i++) {
          seg.setAtIndex(HostWeight.FLOAT, at[t] + i, x[i]);
          values[t][i] = x[i];
        }
      }
    }
    return new Store(seg, at, values);
  }

  /** q . k as documented: lanes over whole vectors, pairwise lane sums, then the tail. */
  private static float score(float[] q, int q0, float[] k, int d) {
    int full = d - d % L;
    float[] lanes = new float[L];
    for (int i = 0; i < full; i++) {
      lanes[i % L] = Math.fma(q[q0 + i], k[i], lanes[i % L]);
    }
    for (int n = L; n > 1; n /= 2) {
      for (int j = 0; j < n / 2; j++) {
        lanes[j] = lanes[2 * j] + lanes[2 * j + 1];
      }
    }
    float sum = lanes[0];
    for (int i = full; i < d; i++) {
      sum = Math.fma(q[q0 + i], k[i], sum);
    }
    return sum;
  }

  @Test
  void scoresFollowTheDocumentedOrderForBothHeads() {
    SplittableRandom rnd = new SplittableRandom(7);
    try (Arena arena = Arena.ofConfined()) {
      for (boolean bf16 : new boolean[] {true, false}) {
        for (int d : HEAD_DIMS) {
          for (int count : KEY_COUNTS) {
            Store keys = store(arena, rnd, count, d, bf16);
            float[] q = gaussians(rnd, 2 * d + 5);
            int q0 = 5 + d;
            int q1 = 1;
            float[] s0 = new float[count];
            float[] s1 = new float[count];
            float[] acc = new float[AttentionKernels.SCRATCH];
            for (int t = 0; t < count; t += AttentionKernels.KEYS) {
              AttentionKernels.scores(q, q0, q1, keys.seg(), keys.at(), t, count, d, bf16, s0, s1,
                  acc);
            }
            for (int t = 0; t < count; t++) {
              String where = (bf16 ? "bf16" : "f32") + " d " + d + " key " + t + " of " + count;
              assertEquals(score(q, q0, keys.values()[t], d), s0[t], 0f, where + ", head 0");
              assertEquals(score(q, q1, keys.values()[t], d), s1[t], 0f, where + ", head 1");
            }
          }
        }
      }
    }
  }

  @Test
  void weightedSumsTakeTheValuesInKeyOrder() {
    SplittableRandom rnd = new SplittableRandom(9);
    try (Arena arena = Arena.ofConfined()) {
      for (boolean bf16 : new boolean[] {true, false}) {
        for (int d : HEAD_DIMS) {
          for (int count : KEY_COUNTS) {
            Store values = store(arena, rnd, count, d, bf16);
            float[] p0 = gaussians(rnd, count);
            float[] p1 = gaussians(rnd, count);
            float[] out = new float[3 * d];
            AttentionKernels.weightedSums(p0, p1, values.at(), count, values.seg(), d, bf16, out,
                2 * d, 0);
            for (int i = 0; i < d; i++) {
              float a = 0;
              float b = 0;
              for (int t = 0; t < count; t++) {
                a = Math.fma(values.values()[t][i], p0[t], a);
                b = Math.fma(values.values()[t][i], p1[t], b);
              }
              String where = (bf16 ? "bf16" : "f32") + " d " + d + " element " + i;
              assertEquals(a, out[2 * d + i], 0f, where + ", head 0");
              assertEquals(b, out[i], 0f, where + ", head 1");
            }
          }
        }
      }
    }
  }
}
