package dev.brigade.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemorySizeTest {

  @Test
  void readsBinaryAndDecimalUnits() {
    assertEquals(8L << 30, MemorySize.parse("8GiB"));
    assertEquals(512L << 20, MemorySize.parse("512MiB"));
    assertEquals(64L << 20, MemorySize.parse("64mib"));
    assertEquals(1_500_000_000L, MemorySize.parse("1.5GB"));
    assertEquals(4096, MemorySize.parse("4096"));
    assertEquals(3L << 40, MemorySize.parse(" 3 TiB "));
  }

  @Test
  void badSizesNameTheValue() {
    IllegalArgumentException unit = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("8XB"));
    assertTrue(unit.getMessage().contains("8XB") && unit.getMessage().contains("unknown unit XB"), unit.getMessage());
    IllegalArgumentException words = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("lots"));
    assertTrue(words.getMessage().contains("lots"), words.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("0"));
    assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(""));
    assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("-1GiB"));
  }

  @Test
  void backendChoiceIsValidatedOnce() {
    assertEquals("cpu", SelectedBackend.choose("cpu").name());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SelectedBackend.choose("tpu"));
    assertTrue(bad.getMessage().contains("tpu") && bad.getMessage().contains("auto, cpu or cuda"), bad.getMessage());
    // No CUDA provider on this classpath (the native module is not a dependency of the worker).
    IllegalArgumentException cuda = assertThrows(IllegalArgumentException.class, () -> SelectedBackend.choose("cuda"));
    assertTrue(cuda.getMessage().startsWith("--backend cuda"), cuda.getMessage());
    assertEquals("cpu", SelectedBackend.choose("auto").name());
  }
}
