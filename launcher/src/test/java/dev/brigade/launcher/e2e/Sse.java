package dev.brigade.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads a whole SSE body: the JSON events in order; checks the framing and the [DONE] end. */
final class Sse {
  private Sse() {}

  static List<JsonObject> events(String body) {
    assertTrue(body.endsWith("data: [DONE]\n\n"), "stream ends with [DONE]: " + tail(body));
    List<JsonObject> events = new ArrayList<>();
    String[] frames = body.split("\n\n");
    for (int i = 0; i < frames.length - 1; i++) {
      assertTrue(frames[i].startsWith("data: "), "every event is a data line: " + frames[i]);
      events.add(new JsonObject(frames[i].substring(6)));
    }
    assertEquals("data: [DONE]", frames[frames.length - 1]);
    return events;
  }

  /** Concatenates a field of the first choice's delta (chat) or the text (completions). */
  static String joined(List<JsonObject> events, String field) {
    StringBuilder out = new StringBuilder();
    for (JsonObject e : events) {
      JsonArray choices = e.getJsonArray("choices");
      if (choices == null || choices.isEmpty()) continue;
      JsonObject choice = choices.getJsonObject(0);
      JsonObject holder = choice.containsKey("delta") ? choice.getJsonObject("delta") : choice;
      String part = holder.getString(field);
      if (part != null) out.append(part);
    }
    return out.toString();
  }

  static String finishReason(List<JsonObject> events) {
    String reason = null;
    for (JsonObject e : events) {
      JsonArray choices = e.getJsonArray("choices");
      if (choices == null || choices.isEmpty()) continue;
      String r = choices.getJsonObject(0).getString("finish_reason");
      if (r != null) reason = r;
    }
    return reason;
  }

  private static String tail(String s) {
    return s.length() < 200 ? s : s.substring(s.length() - 200);
  }
}
