package dev.brigade.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class HugePageMemoryTest {
  private static final long MIB = 1L << 20;
  private static final boolean LINUX =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

  @Test
  void largeBlocksStartOnAHugePageAndAreZeroedAndWritable() {
    try (Arena arena = Arena.ofShared()) {
      long bytes = 5 * MIB + 12_344;
      MemorySegment m = HugePageMemory.allocate(arena, bytes);
      assertEquals(bytes, m.byteSize());
      if (LINUX) {
        assertEquals(0, m.address() % (2 * MIB), "starts on a 2 MiB boundary");
      }
      for (long i = 0; i < bytes; i += 4096) {
        assertEquals(0, m.get(ValueLayout.JAVA_BYTE, i), "zeroed at " + i);
      }
      m.set(ValueLayout.JAVA_LONG, bytes - 8, 0x1234_5678_9abc_def0L);
      assertEquals(0x1234_5678_9abc_def0L, m.get(ValueLayout.JAVA_LONG, bytes - 8));
    }
  }

  @Test
  void smallBlocksComeFromTheArenaAndEveryBlockDiesWithIt() {
    MemorySegment small;
    MemorySegment large;
    try (Arena arena = Arena.ofShared()) {
      small = HugePageMemory.allocate(arena, 1000);
      large = HugePageMemory.allocate(arena, 3 * MIB);
      assertEquals(1000, small.byteSize());
      assertEquals(0, small.address() % 64);
    }
    assertThrows(IllegalStateException.class, () -> small.get(ValueLayout.JAVA_BYTE, 0));
    assertThrows(IllegalStateException.class, () -> large.get(ValueLayout.JAVA_BYTE, 0));
  }
}
