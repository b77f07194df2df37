package dev.brigade.gateway;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayOptionsTest {
  private static GatewayOptions on(String host, Set<String> keys, boolean insecure) {
    return new GatewayOptions("g", host, 8080, 9090, keys, insecure, null, 1 << 20, 10);
  }

  @Test
  void aPublicAddressNeedsKeysOrInsecure() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> on("0.0.0.0", Set.of(), false));
    assertTrue(e.getMessage().contains("--api-keys"), e.getMessage());
    assertDoesNotThrow(() -> on("0.0.0.0", Set.of("k"), false));
    assertDoesNotThrow(() -> on("0.0.0.0", Set.of(), true));
    assertDoesNotThrow(() -> on("127.0.0.1", Set.of(), false));
    assertDoesNotThrow(() -> on("localhost", Set.of(), false));
  }

  @Test
  void badPortsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new GatewayOptions("g", "127.0.0.1", 70000, 9090, Set.of(), false, null, 1 << 20, 10))
        .getMessage().contains("--port"));
  }
}
