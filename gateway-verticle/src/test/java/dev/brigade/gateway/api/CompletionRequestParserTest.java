package dev.brigade.gateway.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CompletionRequestParserTest {
  private static final int VOCAB = 1000;

  private static GenerationSpec parse(String json) {
    return CompletionRequestParser.parse(new JsonObject(json), VOCAB);
  }

  private static ApiError error(String json) {
    return assertThrows(ApiException.class, () -> parse(json)).error();
  }

  @Test
  void promptAsTextOrIds() {
    GenerationSpec text = parse("{\"prompt\":\"Once upon\",\"max_tokens\":4,\"logprobs\":2}");
    assertFalse(text.chat());
    assertEquals("Once upon", text.promptText());
    assertNull(text.promptIds());
    assertTrue(text.logprobs());
    assertEquals(2, text.sampling().topLogprobs());
    assertArrayEquals(new int[] {1, 2, 3}, parse("{\"prompt\":[1,2,3]}").promptIds());
    assertArrayEquals(new int[] {5}, parse("{\"prompt\":[[5]]}").promptIds());
    assertEquals("x", parse("{\"prompt\":[\"x\"]}").promptText());
  }

  @Test
  void badPrompts() {
    assertEquals("prompt", error("{}").param());
    assertEquals("prompt", error("{\"prompt\":\"\"}").param());
    assertEquals("prompt", error("{\"prompt\":[]}").param());
    assertEquals("prompt", error("{\"prompt\":[1,\"a\"]}").param());
    assertEquals("prompt", error("{\"prompt\":[1, 1000]}").param());
    assertEquals("prompt", error("{\"prompt\":[-1]}").param());
    assertEquals("prompt", error("{\"prompt\":[\"a\",\"b\"]}").param());
    assertEquals("prompt", error("{\"prompt\":{}}").param());
    assertEquals("logprobs", error("{\"prompt\":\"a\",\"logprobs\":21}").param());
    assertEquals("echo", error("{\"prompt\":\"a\",\"echo\":true}").param());
  }
}
