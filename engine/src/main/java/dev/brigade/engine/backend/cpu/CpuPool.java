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
 * <p>A call returns once every index is done, not once every worker has checked in: a worker
 * the OS has not scheduled yet (another process busy on the same cores) finds nothing left
 * when it wakes, instead of holding the caller until it does. Each call's range is a {@link
 * Job} of its own, so a worker that wakes late can only ever take chunks of the current one.
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

  /** The latest range, published under the lock; workers run each job they see once. */
  private volatile Job current;
  private volatile boolean closed;

  /** One call's range: chunks are claimed from {@code next}; the call ends when {@code done} reaches {@code count}. */
  private static final class Job {
    final RangeTask task;
    final int count;
    final int grain;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable failure;

    Job(RangeTask task, int count, int grain) {
      this.task = task;
      this.count = count;
      this.grain = grain;
    }

    /**
     * Takes chunks until none is left, then adds them to {@code done} in one step. After a
     * failure the remaining chunks are still claimed, and skipped, so that every index counts.
     */
    void runChunks() {
      int finished = 0;
      for (int from = next.getAndAdd(grain); from < count; from = next.getAndAdd(grain)) {
        int to = Math.min(count, from + grain);
        if (failure == null) {
          try {
            task.run(from, to);
          } catch (Throwable e) {
            failure = e;
          }
        }
        finished += to - from;
      }
      if (finished > 0) {
        done.addAndGet(finished);
      }
    }
  }

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
      Job job = new Job(task, count, grain);
      current = job;
      for (Worker w : workers) {
        if (w.parked) {
          LockSupport.unpark(w.thread);
        }
      }
      insideTask.set(true);
      try {
        job.runChunks();
      } finally {
        insideTask.set(false);
      }
      awaitDone(job);
      Throwable f = job.failure;
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

  /** Waits for the chunks other threads claimed; the caller has run out of chunks to take. */
  private static void awaitDone(Job job) {
    int spins = 0;
    while (job.done.get() != job.count) {
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
      Job seen = null;
      while (true) {
        long start = System.nanoTime();
        while (current == seen) {
          if (closed) {
            return;
          }
          if (System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            parked = true;
            if (current == seen && !closed) {
              LockSupport.park(this);
            }
            parked = false;
          }
        }
        seen = current;
        seen.runChunks();
      }
    }
  }
}
