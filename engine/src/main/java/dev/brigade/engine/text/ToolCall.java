package dev.brigade.engine.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
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

  private static final ObjectMapper JSON = new ObjectMapper();

  public ToolCall {
    Objects.requireNonNull(name, "tool call name");
  }

  /**
   * A call as OpenAI's API carries it, with the arguments as a JSON string. Like vLLM, the string
   * is parsed so that the template prints it in the json.dumps form the model was trained on;
   * text that is not JSON is kept as a string and printed verbatim.
   */
  public static ToolCall fromOpenAi(String id, String name, String argumentsJson) {
    if (argumentsJson == null) return new ToolCall(id, name, null);
    try {
      return new ToolCall(id, name, JSON.readTree(argumentsJson));
    } catch (JsonProcessingException e) {
      return new ToolCall(id, name, TextNode.valueOf(argumentsJson));
    }
  }
}
