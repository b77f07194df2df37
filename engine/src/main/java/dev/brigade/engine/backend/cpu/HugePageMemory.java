package dev.brigade.engine.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Memory for weights that decode streams once per token, mapped fresh from the kernel and
 * marked for transparent huge pages before it is first touched (Linux), so that streaming it
 * does not walk a 4 KiB page table entry per 4 KiB.
 *
 * <p>Why not malloc with glibc's huge-page tunable: whether a block got huge pages depended on
 * the allocator's history. After a slice load freed its temporary buffers, glibc served the
 * next 2-6 MiB layer weights from its arena heaps instead of fresh mappings, and a stage JVM
 * holding 7 layers of the 0.6B shape had 12-35 MiB of its ~220 MiB of layer weights in huge
 * pages, while the whole-model process had most of its weights in them.
 *
 * <p>Elsewhere, or if the calls are not available, it falls back to the arena.
 */
public final class HugePageMemory {
  private static final long HUGE_PAGE = 2L << 20;
  private static final int PROT_READ_WRITE = 0x1 | 0x2;
  private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
  private static final int MADV_HUGEPAGE = 14;

  private static final MethodHandle MMAP;
  private static final MethodHandle MADVISE;
  private static final MethodHandle MUNMAP;

  static {
    MethodHandle mmap = null;
    MethodHandle madvise = null;
    MethodHandle munmap = null;
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      try {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
      } catch (RuntimeException | Error e) {
        mmap = null; // native access refused or no such symbols: the arena serves instead
      }
    }
    MMAP = mmap;
    MADVISE = madvise;
    MUNMAP = munmap;
  }

  private HugePageMemory() {}

  /**
   * {@code bytes} of zeroed memory that lives as long as {@code arena}: a huge-page-advised
   * mapping from 2 MiB up where the platform allows it, else the arena's own.
   */
  public static MemorySegment allocate(Arena arena, long bytes) {
    if (MMAP == null || bytes < HUGE_PAGE) {
      return arena.allocate(bytes, 64);
    }
    // Over-map by one huge page so the segment can start on a huge-page boundary.
    long mapped = bytes + HUGE_PAGE;
    MemorySegment base;
    try {
      base = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, mapped, PROT_READ_WRITE,
          MAP_PRIVATE_ANONYMOUS, -1, 0L);
    } catch (Throwable e) {
      return arena.allocate(bytes, 64);
    }
    if (base.address() == -1L) {
      return arena.allocate(bytes, 64); // MAP_FAILED: leave the error to the arena's own path
    }
    long start = (base.address() + HUGE_PAGE - 1) & -HUGE_PAGE;
    MemorySegment aligned = MemorySegment.ofAddress(start);
    try {
      int ignored = (int) MADVISE.invokeExact(aligned, bytes & -HUGE_PAGE, MADV_HUGEPAGE);
    } catch (Throwable e) {
      // advice only: without it the mapping still works, in small pages
    }
    MemorySegment whole = base;
    return aligned.reinterpret(bytes, arena, s -> unmap(whole, mapped));
  }

  private static void unmap(MemorySegment base, long bytes) {
    try {
      int ignored = (int) MUNMAP.invokeExact(base, bytes);
    } catch (Throwable e) {
      throw new IllegalStateException("munmap of " + bytes + " bytes failed", e);
    }
  }
}
