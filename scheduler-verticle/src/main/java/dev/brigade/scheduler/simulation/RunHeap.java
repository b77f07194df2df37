package dev.brigade.scheduler.simulation;

import java.util.Arrays;

/**
 * Pipelines ordered by the time their next sequence finishes: a binary heap that knows each
 * pipeline's position, so a new finish time moves it in place (O(log n)) instead of leaving a
 * stale event behind. Ties go to the smaller pipeline id for determinism.
 */
final class RunHeap {
  private PipelineRun[] heap = new PipelineRun[64];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  PipelineRun peek() {
    return size == 0 ? null : heap[0];
  }

  /** Sets the run's next finish time (infinite removes it). */
  void update(PipelineRun run, double time) {
    if (time == Double.POSITIVE_INFINITY) {
      remove(run);
      return;
    }
    run.nextFinish = time;
    if (run.heapIndex < 0) {
      if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
      heap[size] = run;
      run.heapIndex = size++;
      up(run.heapIndex);
    } else {
      up(run.heapIndex);
      down(run.heapIndex);
    }
  }

  void remove(PipelineRun run) {
    int i = run.heapIndex;
    if (i < 0) return;
    PipelineRun last = heap[--size];
    heap[size] = null;
    run.heapIndex = -1;
    if (i < size) {
      heap[i] = last;
      last.heapIndex = i;
      up(i);
      down(last.heapIndex);
    }
  }

  private boolean less(PipelineRun a, PipelineRun b) {
    return a.nextFinish != b.nextFinish ? a.nextFinish < b.nextFinish : a.id.compareTo(b.id) < 0;
  }

  private void up(int i) {
    PipelineRun x = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(x, heap[parent])) break;
      heap[i] = heap[parent];
      heap[i].heapIndex = i;
      i = parent;
    }
    heap[i] = x;
    x.heapIndex = i;
  }

  private void down(int i) {
    PipelineRun x = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && less(heap[child + 1], heap[child])) child++;
      if (!less(heap[child], x)) break;
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = x;
    x.heapIndex = i;
  }
}
