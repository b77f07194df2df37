package dev.brigade.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {
  @Test
  void onlyAJsonObjectIsABody() {
    assertEquals("x", JsonBodies.object(Buffer.buffer("{\"a\":\"x\"}")).getString("a"));
    for (String bad : new String[] {"", "{", "[1]", "\"text\"", "12", "null"}) {
      ApiError e = assertThrows(ApiException.class, () -> JsonBodies.object(Buffer.buffer(bad)), bad).error();
      assertEquals(400, e.status(), bad);
      assertEquals("invalid_json", e.code(), bad);
    }
  }
}
