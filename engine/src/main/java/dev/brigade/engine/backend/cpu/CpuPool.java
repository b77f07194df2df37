package dev.brigade.engine.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of worker threads that split one index range at a time between themselves and the
 * calling thread. Built for many small calls (a decode step of a 0.6B model makes ~200 matmul
 * calls of well under a millisecond each): no thread or task object is created per call, idle
 * workers spin briefly before parking so back-to-back calls wake them without a system call,
 * and the caller takes chunks too instead of only waiting.
 *
 * <p>Chunks are handed out from a shared counter, so which thread runs which index varies from
 * call to call; kernels therefore give each index a computation that does not depend on the
 * chunking (that is what keeps results batch- and thread-count invariant).
 *
 * <p>One range at a time: concurrent callers queue on a lock. A task that itself calls
 * {@link #forEach} runs that inner range inline on its own thread.
 */
public final class CpuPool implements AutoCloseable {

  /** Work on indices [from, to). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int from, int to);
  }

  /** How long an idle worker spins before parking. */
  private static final long SPIN_NANOS = 50_000;

  private final int threads;
  private final Worker[] workers;
  private final ReentrantLock lock = new ReentrantLock();
  private final ThreadLocal<Boolean> insideTask = ThreadLocal.withInitial(() -> false);

  // The current range; written under the lock before `generation` is bumped.
  private RangeTask task;
  private int count;
  private int grain;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private volatile Throwable failure;
  private volatile long generation;
  private volatile boolean closed;

  /** A pool using {@code threads} threads in all: the caller plus threads - 1 workers. */
  public CpuPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a CPU pool needs at least one thread, got " + threads);
    }
    this.threads = threads;
    this.workers = new Worker[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker();
      Thread t = Thread.ofPlatform().daemon().name("brigade-cpu-" + (i + 1))
          .unstarted(workers[i]);
      workers[i].thread = t;
      t.start();
    }
  }

  /** A pool with one thread per available processor. */
  public static CpuPool allCores() {
    return new CpuPool(Runtime.getRuntime().availableProcessors());
  }

  public int threads() {
    return threads;
  }

  /**
   * Runs {@code task} over [0, count) in chunks of {@code grain} indices (the last may be
   * shorter) on every thread of the pool, returning when all are done. An exception from any
   * chunk is rethrown here after the others finished.
   */
  public void forEach(int count, int grain, RangeTask task) {
    if (count <= 0) {
      return;
    }
    if (grain < 1) {
      throw new IllegalArgumentException("grain must be positive, got " + grain);
    }
    if (workers.length == 0 || count <= grain || insideTask.get()) {
      task.run(0, count);
      return;
    }
    if (closed) {
      throw new IllegalStateException("CPU pool is closed");
    }
    lock.lock();
    try {
      this.task = task;
      this.count = count;
      this.grain = grain;
      this.failure = null;
      next.set(0);
      running.set(workers.length);
      generation = generation + 1; // publishes the fields above to the workers
      for (Worker w : workers) {
        if (w.parked) {
          LockSupport.unpark(w.thread);
        }
      }
      insideTask.set(true);
      try {
        runChunks();
      } finally {
        insideTask.set(false);
      }
      awaitWorkers();
      this.task = null;
      Throwable f = failure;
      if (f != null) {
        if (f instanceof RuntimeException re) {
          throw re;
        }
        if (f instanceof Error e) {
          throw e;
        }
        throw new IllegalStateException(f);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Takes chunks from the shared counter until none is left. */
  private void runChunks() {
    RangeTask t = task;
    int n = count;
    int g = grain;
    try {
      for (int from = next.getAndAdd(g); from < n; from = next.getAndAdd(g)) {
        t.run(from, Math.min(n, from + g));
      }
    } catch (Throwable e) {
      failure = e;
      next.set(n); // the other threads stop taking chunks
    }
  }

  private void awaitWorkers() {
    int spins = 0;
    while (running.get() != 0) {
      if (++spins < 1 << 12) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  /** Stops the workers; later calls to {@link #forEach} that need them fail. */
  @Override
  public void close() {
    closed = true;
    for (Worker w : workers) {
      LockSupport.unpark(w.thread);
    }
  }

  private final class Worker implements Runnable {
    Thread thread;
    volatile boolean parked;

    @Override
    public void run() {
      insideTask.set(true); // a task's own forEach calls run inline on this thread
      // Generation 0 is the pool's start; reading the field here instead could skip a range
      // published before this thread got to run.
      long seen = 0;
      while (true) {
        long start = System.nanoTime();
        while (generation == seen) {
          if (closed) {
            return;
          }
          if (System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            parked = true;
            if (generation == seen && !closed) {
              LockSupport.park(this);
            }
            parked = false;
          }
        }
        seen = generation;
        runChunks();
        running.decrementAndGet();
      }
    }
  }
}
