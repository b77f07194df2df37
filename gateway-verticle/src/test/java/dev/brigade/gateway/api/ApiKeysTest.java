package dev.brigade.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
  @Test
  void loadsOneKeyPerLineAndChecksBearerTokens(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "# team keys\nsk-one\n\n  sk-two  \n");
    Set<String> keys = ApiKeys.load(file);
    assertEquals(Set.of("sk-one", "sk-two"), keys);
    assertNull(ApiKeys.check(keys, "Bearer sk-two"));
    assertEquals(401, ApiKeys.check(keys, "Bearer sk-three").status());
    assertEquals(401, ApiKeys.check(keys, null).status());
    assertNull(ApiKeys.check(Set.of(), null), "no keys: open");
  }

  @Test
  void missingOrEmptyFilesAreRefused(@TempDir Path dir) throws Exception {
    assertThrows(IllegalArgumentException.class, () -> ApiKeys.load(dir.resolve("none")));
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "\n# nothing\n");
    assertThrows(IllegalArgumentException.class, () -> ApiKeys.load(empty));
  }
}
