package dev.brigade.engine.text;

import java.util.List;
import java.util.Objects;

/**
 * One chat message as OpenAI's API and Qwen3's chat template see it.
 *
 * @param role system, user, assistant or tool (the template prints no other role)
 * @param content the text; null is rendered as an empty string
 * @param reasoningContent an assistant's thinking; null means absent (then any
 *     {@code <think>...</think>} inside content is taken as the reasoning)
 * @param toolCalls an assistant's function calls; null or empty for none
 * @param toolCallId for a tool message, the call it answers (not printed by the template)
 */
public record ChatMessage(
    String role, String content, String reasoningContent, List<ToolCall> toolCalls, String toolCallId) {

  public ChatMessage {
    Objects.requireNonNull(role, "message role");
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content, null, null, null);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content, null, null, null);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content, null, null, null);
  }

  public static ChatMessage tool(String content, String toolCallId) {
    return new ChatMessage("tool", content, null, null, toolCallId);
  }

  /** The content, or "" when there is none. */
  String text() {
    return content == null ? "" : content;
  }
}
