package dev.brigade.engine.checkpoint;

import dev.brigade.engine.numeric.Bf16;
import dev.brigade.engine.numeric.Fp8E4m3;
import dev.brigade.engine.numeric.SplitMix64;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.LongStream;

/**
 * Fast deterministic random fills for synthetic weights: each 64-bit draw gives four BF16 or
 * eight FP8 values through a lookup table of a uniform distribution. Work is split into fixed
 * chunks, each with its own derived seed, so results do not depend on how many threads ran.
 */
final class RandomFill {
  private static final long CHUNK_BYTES = 1 << 20;
  /** FP8 codes are drawn uniformly over [-FP8_RANGE, FP8_RANGE] before scaling. */
  private static final float FP8_RANGE = Fp8E4m3.MAX;
  private static final byte[] FP8_CODES = fp8Codes();

  private RandomFill() {}

  /** The weight_scale_inv that turns the FP8 fill into uniform values with this std. */
  static float fp8ScaleFor(double std) {
    return Bf16.round((float) (std * Math.sqrt(3.0) / FP8_RANGE));
  }

  /** Uniform BF16 values with the given mean and standard deviation. */
  static void bf16(MemorySegment out, long seed, double mean, double std) {
    double halfWidth = std * Math.sqrt(3.0);
    short[] table = new short[1 << 16];
    for (int i = 0; i < table.length; i++) {
      table[i] = Bf16.fromFloat((float) (mean + halfWidth * ((i + 0.5) / 32768.0 - 1.0)));
    }
    chunks(out, seed, (chunk, rng) -> {
      int n = (int) (chunk.byteSize() / 2);
      short[] values = new short[n];
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        long bits = rng.nextLong();
        values[i] = table[(int) bits & 0xFFFF];
        values[i + 1] = table[(int) (bits >>> 16) & 0xFFFF];
        values[i + 2] = table[(int) (bits >>> 32) & 0xFFFF];
        values[i + 3] = table[(int) (bits >>> 48)];
      }
      long bits = rng.nextLong();
      for (; i < n; i++, bits >>>= 16) {
        values[i] = table[(int) bits & 0xFFFF];
      }
      MemorySegment.copy(values, 0, chunk, ValueLayout.JAVA_SHORT_UNALIGNED, 0, n);
    });
  }

  /** FP8 codes, uniform over [-448, 448] in value (never NaN). */
  static void fp8(MemorySegment out, long seed) {
    chunks(out, seed, (chunk, rng) -> {
      int n = (int) chunk.byteSize();
      byte[] values = new byte[n];
      long bits = 0;
      for (int i = 0; i < n; i++, bits >>>= 8) {
        if ((i & 7) == 0) {
          bits = rng.nextLong();
        }
        values[i] = FP8_CODES[(int) bits & 0xFF];
      }
      MemorySegment.copy(values, 0, chunk, ValueLayout.JAVA_BYTE, 0, n);
    });
  }

  /**
   * Block scales around {@code typical}: each block's scale is typical x (0.75 .. 1.25), so a
   * kernel that applies the wrong block's scale gives visibly different results.
   */
  static void fp8Scales(MemorySegment out, long seed, float typical) {
    SplitMix64 rng = new SplitMix64(seed);
    for (long i = 0; i < out.byteSize() / 2; i++) {
      float scale = (float) (typical * (0.75 + 0.5 * rng.nextDouble()));
      out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, Bf16.fromFloat(scale));
    }
  }

  private interface ChunkFill {
    void fill(MemorySegment chunk, SplitMix64 rng);
  }

  private static void chunks(MemorySegment out, long seed, ChunkFill fill) {
    long size = out.byteSize();
    long count = (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
    LongStream range = LongStream.range(0, count);
    (count > 4 ? range.parallel() : range).forEach(c -> {
      long start = c * CHUNK_BYTES;
      MemorySegment chunk = out.asSlice(start, Math.min(CHUNK_BYTES, size - start));
      fill.fill(chunk, new SplitMix64(SplitMix64.derive(seed, c)));
    });
  }

  private static byte[] fp8Codes() {
    byte[] codes = new byte[256];
    for (int i = 0; i < 256; i++) {
      codes[i] = Fp8E4m3.fromFloat((float) (FP8_RANGE * ((i + 0.5) / 128.0 - 1.0)));
    }
    return codes;
  }
}
