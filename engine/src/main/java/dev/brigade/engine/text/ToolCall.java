package dev.brigade.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One function call an assistant made.
 *
 * @param id the call's id (the template does not print it; tool results refer to it)
 * @param name the function's name
 * @param arguments a JSON object, rendered as Python's json.dumps would; or a JSON string
 *     (a {@code TextNode}), printed verbatim as Qwen's template does for string arguments;
 *     null renders as {@code null}
 */
public record ToolCall(String id, String name, JsonNode arguments) {
  public ToolCall {
    Objects.requireNonNull(name, "tool call name");
  }
}
