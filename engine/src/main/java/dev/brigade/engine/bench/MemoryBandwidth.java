package dev.brigade.engine.bench;

import dev.brigade.engine.backend.cpu.CpuPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's memory read bandwidth as the engine's kernels can use it: every thread of a
 * {@link CpuPool} streams through its share of a buffer far larger than the caches, summing
 * wide vector loads (so the loads cannot be dropped), and the best of several passes counts.
 * Each pass reads its chunks both front to back and as four interleaved streams a quarter of
 * a chunk apart (the access pattern of the decode kernel, which keeps more reads in flight and
 * was measured faster than one stream on this project's machines): the bound uses the faster,
 * so a kernel cannot look better than the memory it reads.
 */
public final class MemoryBandwidth implements AutoCloseable {
  private static final VectorSpecies<Long> V = LongVector.SPECIES_PREFERRED;
  /** Bytes one thread takes at a time. */
  private static final int CHUNK = 1 << 20;

  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer;
  private final int chunks;
  private final AtomicLong sink = new AtomicLong();

  /**
   * A probe over a fresh buffer of {@code bytes} bytes (rounded down to whole MiB; at least 1
   * MiB), kept for repeated passes; close it to free the buffer.
   */
  public MemoryBandwidth(long bytes) {
    chunks = (int) Math.max(1, bytes / CHUNK);
    buffer = arena.allocate((long) chunks * CHUNK, 4096);
    // Touch every page with non-zero data so the passes read real memory.
    for (long i = 0; i < buffer.byteSize(); i += 4096) {
      buffer.set(ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
    }
  }

  /** The best of {@code passes} passes, in bytes per second. */
  public double best(CpuPool pool, int passes) {
    if (passes < 1) {
      throw new IllegalArgumentException("bandwidth passes must be at least 1, got " + passes);
    }
    double best = 0;
    for (int p = 0; p < passes; p++) {
      best = Math.max(best, pass(pool));
    }
    return best;
  }

  /** One pass in each access pattern; the faster one's bytes per second. */
  public double pass(CpuPool pool) {
    return Math.max(timedPass(pool, MemoryBandwidth::sum),
        timedPass(pool, MemoryBandwidth::sumFourStreams));
  }

  /** Sums the longs of [at, at + n) of a segment in some access pattern. */
  @FunctionalInterface
  private interface ChunkReader {
    long sum(MemorySegment seg, long at, int n);
  }

  /** Bytes per second of one pass over the buffer, every chunk read by {@code reader}. */
  private double timedPass(CpuPool pool, ChunkReader reader) {
    long start = System.nanoTime();
    pool.forEach(chunks, 1, (from, to) -> {
      long s = 0;
      for (int c = from; c < to; c++) {
        s += reader.sum(buffer, (long) c * CHUNK, CHUNK);
      }
      sink.addAndGet(s);
    });
    return buffer.byteSize() * 1e9 / (System.nanoTime() - start);
  }

  @Override
  public void close() {
    if (sink.get() == 42) {
      // Never true in practice; reading the sink keeps the sums (and the loads) alive.
      System.err.print("");
    }
    arena.close();
  }

  /** Sum of the longs in [at, at + n), its four quarters read side by side. */
  private static long sumFourStreams(MemorySegment seg, long at, int n) {
    int step = V.vectorByteSize();
    long quarter = n / 4;
    LongVector a = LongVector.zero(V);
    LongVector b = a;
    LongVector c = a;
    LongVector d = a;
    for (long i = at; i < at + quarter; i += step) {
      a = a.add(LongVector.fromMemorySegment(V, seg, i, ByteOrder.LITTLE_ENDIAN));
      b = b.add(LongVector.fromMemorySegment(V, seg, i + quarter, ByteOrder.LITTLE_ENDIAN));
      c = c.add(LongVector.fromMemorySegment(V, seg, i + 2 * quarter, ByteOrder.LITTLE_ENDIAN));
      d = d.add(LongVector.fromMemorySegment(V, seg, i + 3 * quarter, ByteOrder.LITTLE_ENDIAN));
    }
    return a.add(b).add(c).add(d).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  /** Sum of the longs in [at, at + n) with four independent vector accumulators. */
  private static long sum(MemorySegment seg, long at, int n) {
    int step = V.vectorByteSize();
    LongVector a = LongVector.zero(V);
    LongVector b = a;
    LongVector c = a;
    LongVector d = a;
    long end = at + n;
    for (long i = at; i < end; i += 4L * step) {
      a = a.add(LongVector.fromMemorySegment(V, seg, i, ByteOrder.LITTLE_ENDIAN));
      b = b.add(LongVector.fromMemorySegment(V, seg, i + step, ByteOrder.LITTLE_ENDIAN));
      c = c.add(LongVector.fromMemorySegment(V, seg, i + 2L * step, ByteOrder.LITTLE_ENDIAN));
      d = d.add(LongVector.fromMemorySegment(V, seg, i + 3L * step, ByteOrder.LITTLE_ENDIAN));
    }
    return a.add(b).add(c).add(d).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
