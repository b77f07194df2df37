package dev.brigade.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoreSetsTest {

  @Test
  void parsesTheKernelsCpuListForm() {
    assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), CoreSets.parse("0-3,8,10-11"));
    assertEquals(List.of(5), CoreSets.parse("5"));
  }

  @Test
  void handsOutDisjointSetsInOrderOfTheAllowedCpus() {
    CoreSets sets = new CoreSets(List.of(2, 3, 4, 5, 9, 10), 2, 3);
    assertEquals("2,3", sets.coresOf(0));
    assertEquals("4,5", sets.coresOf(1));
    assertEquals("9,10", sets.coresOf(2));
    assertEquals(List.of("taskset", "-c", "4,5", "java", "-version"), sets.pinned(1, List.of("java", "-version")));
  }

  @Test
  void tooFewCoresIsAnErrorThatNamesTheOptionAndTheCount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CoreSets(List.of(0, 1), 1, 4));
    assertEquals("--cores-per-stage 1: 4 stages need 4 cores, this process may use 2 (0,1)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new CoreSets(List.of(0, 1), 0, 1));
    assertTrue(e.getMessage().startsWith("--cores-per-stage 0: must be >= 1"), e.getMessage());
  }

  @Test
  void thisProcessMayRunOnAtLeastOneCpu() {
    List<Integer> here = CoreSets.allowedHere();
    assertFalse(here.isEmpty());
    // a CPU quota (cgroups) can size the JVM below its affinity mask, never above it
    assertTrue(here.size() >= Runtime.getRuntime().availableProcessors(), here.toString());
  }
}
