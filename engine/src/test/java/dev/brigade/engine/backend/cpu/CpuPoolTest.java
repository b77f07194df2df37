package dev.brigade.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CpuPoolTest {

  @Test
  void everyIndexRunsExactlyOnceForManyBackToBackCalls() {
    try (CpuPool pool = new CpuPool(3)) {
      for (int call = 0; call < 2000; call++) {
        int count = 1 + call % 97;
        int grain = 1 + call % 5;
        AtomicIntegerArray hits = new AtomicIntegerArray(count);
        pool.forEach(count, grain, (from, to) -> {
          for (int i = from; i < to; i++) {
            hits.incrementAndGet(i);
          }
        });
        for (int i = 0; i < count; i++) {
          assertEquals(1, hits.get(i), "call " + call + " index " + i);
        }
      }
    }
  }

  @Test
  void anExceptionInAChunkReachesTheCallerAndThePoolStaysUsable() {
    try (CpuPool pool = new CpuPool(2)) {
      IllegalStateException boom = new IllegalStateException("boom");
      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> pool.forEach(100, 1, (from, to) -> {
            if (from == 57) {
              throw boom;
            }
          }));
      assertSame(boom, thrown);
      AtomicIntegerArray hits = new AtomicIntegerArray(10);
      pool.forEach(10, 1, (from, to) -> hits.incrementAndGet(from));
      for (int i = 0; i < 10; i++) {
        assertEquals(1, hits.get(i));
      }
    }
  }

  @Test
  void aNestedCallRunsInlineInsteadOfDeadlocking() {
    try (CpuPool pool = new CpuPool(2)) {
      AtomicIntegerArray hits = new AtomicIntegerArray(8 * 8);
      pool.forEach(8, 1, (from, to) -> pool.forEach(8, 1, (f2, t2) -> {
        for (int j = f2; j < t2; j++) {
          hits.incrementAndGet(from * 8 + j);
        }
      }));
      for (int i = 0; i < 64; i++) {
        assertEquals(1, hits.get(i));
      }
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CpuPool(0));
    try (CpuPool pool = new CpuPool(2)) {
      assertThrows(IllegalArgumentException.class, () -> pool.forEach(10, 0, (f, t) -> { }));
      pool.close();
      assertThrows(IllegalStateException.class, () -> pool.forEach(10, 1, (f, t) -> { }));
    }
  }
}
