package dev.brigade.engine.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.BatchLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagedKvCacheTest {

  @Test
  void admissionTakesWholeBlocksAndFreeReturnsThem() {
    PagedKvCache cache = new PagedKvCache(4, 16, 1000);
    cache.admit(List.of(new KvExtent("a", 0, 17))); // 2 blocks
    assertEquals(2, cache.freeBlocks());
    assertEquals(17, cache.length("a"));
    cache.admit(List.of(new KvExtent("a", 17, 15))); // still 2 blocks (32 tokens)
    assertEquals(2, cache.freeBlocks());
    cache.admit(List.of(new KvExtent("a", 32, 1), new KvExtent("b", 0, 3)));
    assertEquals(0, cache.freeBlocks());
    cache.free("a");
    assertEquals(3, cache.freeBlocks());
    assertFalse(cache.contains("a"));
    cache.free("never-seen"); // ignored
    assertEquals(3, cache.freeBlocks());
  }

  @Test
  void fullPoolFailsBeforeChangingAnything() {
    PagedKvCache cache = new PagedKvCache(3, 4, 1000);
    cache.admit(List.of(new KvExtent("a", 0, 8)));
    KvCacheFullException e = assertThrows(KvCacheFullException.class,
        () -> cache.admit(List.of(new KvExtent("b", 0, 1), new KvExtent("c", 0, 5))));
    assertEquals("KV cache full: need 3 blocks, 1 free of 3", e.getMessage());
    assertEquals(1, cache.freeBlocks());
    assertFalse(cache.contains("b"));
    assertFalse(cache.canAdmit(List.of(new KvExtent("c", 0, 5))));
    assertTrue(cache.canAdmit(List.of(new KvExtent("c", 0, 4))));
  }

  @Test
  void refusesGapsDuplicatesAndPositionsBeyondTheLimit() {
    PagedKvCache cache = new PagedKvCache(100, 4, 10);
    IllegalArgumentException gap = assertThrows(IllegalArgumentException.class,
        () -> cache.admit(List.of(new KvExtent("a", 3, 1))));
    assertEquals("sequence a has 0 tokens cached, cannot continue at position 3",
        gap.getMessage());
    IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
        () -> cache.admit(List.of(new KvExtent("a", 0, 11))));
    assertEquals("sequence a: position 10 is beyond the cache's limit of 10 tokens per sequence",
        beyond.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> cache.admit(List.of(new KvExtent("a", 0, 1), new KvExtent("a", 1, 1))));
    assertEquals(100, cache.freeBlocks());
  }

  @Test
  void rewindingShortensTheSequenceAndReturnsTrailingBlocks() {
    PagedKvCache cache = new PagedKvCache(10, 4, 100);
    cache.admit(List.of(new KvExtent("a", 0, 12)));
    assertEquals(7, cache.freeBlocks());
    cache.admit(List.of(new KvExtent("a", 2, 1)));
    assertEquals(3, cache.length("a"));
    assertEquals(9, cache.freeBlocks());
  }

  @Test
  void layoutMapsRowsToPositionsSlotsAndTables() {
    PagedKvCache cache = new PagedKvCache(8, 2, 100);
    cache.admit(List.of(new KvExtent("x", 0, 1))); // x gets block 0
    cache.admit(List.of(new KvExtent("y", 0, 3))); // y gets blocks 1, 2
    List<KvExtent> batch = List.of(new KvExtent("y", 3, 1), new KvExtent("x", 1, 2));
    cache.admit(batch); // y: block 1,2 (4 tokens); x: blocks 0, 3
    BatchLayout layout = cache.layout(batch);
    assertEquals(3, layout.rows());
    assertArrayEquals(new int[] {3, 1, 2}, layout.positions());
    assertArrayEquals(new int[] {0, 1, 1}, layout.rowSequence());
    assertArrayEquals(new int[] {2 * 2 + 1, 0 * 2 + 1, 3 * 2 + 0}, layout.slots());
    assertArrayEquals(new int[] {1, 2, 0, 3}, layout.blockTables());
    assertEquals(cache.slot("y", 2), layout.slotOf(0, 2));
  }
}
