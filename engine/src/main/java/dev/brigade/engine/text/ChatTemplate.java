package dev.brigade.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Qwen3's chat template (the Jinja text in Qwen3's tokenizer_config.json), translated by hand.
 * Each block below is one block of the template, in the same order; Python string methods used
 * by the template ({@code split}, {@code strip('\n')}) are reproduced exactly. Output is
 * byte-identical to what transformers renders with Jinja2.
 *
 * <p>Differences from Jinja, where Jinja would fail rather than render: a null content renders as
 * an empty string; an empty message list is rejected.
 */
public final class ChatTemplate {

  private static final String TOOLS_HEADER =
      "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
          + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";
  private static final String TOOLS_FOOTER =
      "\n</tools>\n\nFor each function call, return a json object with function name and arguments"
          + " within <tool_call></tool_call> XML tags:\n<tool_call>\n"
          + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

  private ChatTemplate() {}

  /**
   * Renders a conversation for Qwen3.
   *
   * @param tools function declarations (OpenAI {"type":"function","function":{...}} objects), each
   *     printed as Python's json.dumps prints it; null or empty for none
   * @param addGenerationPrompt end with the opening of an assistant turn
   * @param enableThinking false adds an empty think block after the generation prompt, which
   *     makes Qwen3 answer without reasoning (the template's {@code enable_thinking=false})
   */
  public static String render(
      List<ChatMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt, boolean enableThinking) {
    if (messages == null || messages.isEmpty()) {
      throw new IllegalArgumentException("a chat needs at least one message");
    }
    StringBuilder out = new StringBuilder();
    int n = messages.size();
    ChatMessage first = messages.get(0);

    // System block: the tool declarations go into the system turn, after any system message.
    if (tools != null && !tools.isEmpty()) {
      out.append("<|im_start|>system\n");
      if (first.role().equals("system")) out.append(first.text()).append("\n\n");
      out.append(TOOLS_HEADER);
      for (JsonNode tool : tools) out.append('\n').append(PythonJson.dumps(tool));
      out.append(TOOLS_FOOTER);
    } else if (first.role().equals("system")) {
      out.append("<|im_start|>system\n").append(first.text()).append("<|im_end|>\n");
    }

    // The last real user query: the last user message that is not a wrapped tool response.
    int lastQueryIndex = n - 1;
    for (int index = n - 1; index >= 0; index--) {
      ChatMessage m = messages.get(index);
      if (m.role().equals("user") && !isWrappedToolResponse(m.text())) {
        lastQueryIndex = index;
        break;
      }
    }

    for (int i = 0; i < n; i++) {
      ChatMessage message = messages.get(i);
      String role = message.role();
      boolean last = i == n - 1;
      if (role.equals("user") || (role.equals("system") && i != 0)) {
        out.append("<|im_start|>").append(role).append('\n').append(message.text()).append("<|im_end|>\n");
      } else if (role.equals("assistant")) {
        renderAssistant(message, i > lastQueryIndex, last, out);
      } else if (role.equals("tool")) {
        // Consecutive tool results share one user turn.
        if (i == 0 || !messages.get(i - 1).role().equals("tool")) out.append("<|im_start|>user");
        out.append("\n<tool_response>\n").append(message.text()).append("\n</tool_response>");
        if (last || !messages.get(i + 1).role().equals("tool")) out.append("<|im_end|>\n");
      }
    }

    if (addGenerationPrompt) {
      out.append("<|im_start|>assistant\n");
      if (!enableThinking) out.append("<think>\n\n</think>\n\n");
    }
    return out.toString();
  }

  private static void renderAssistant(ChatMessage message, boolean afterLastQuery, boolean last, StringBuilder out) {
    String content = message.text();
    String reasoning = "";
    if (message.reasoningContent() != null) {
      reasoning = message.reasoningContent();
    } else if (content.contains("</think>")) {
      String whole = content;
      content = lstripNewlines(afterLast(whole, "</think>"));
      reasoning = lstripNewlines(afterLast(rstripNewlines(beforeFirst(whole, "</think>")), "<think>"));
    }
    // Reasoning is kept only for turns after the last user query (the current agentic turn);
    // older turns show the answer alone.
    if (afterLastQuery && (last || !reasoning.isEmpty())) {
      out.append("<|im_start|>assistant\n<think>\n")
          .append(stripNewlines(reasoning))
          .append("\n</think>\n\n")
          .append(lstripNewlines(content));
    } else {
      out.append("<|im_start|>assistant\n").append(content);
    }
    List<ToolCall> calls = message.toolCalls();
    for (int j = 0; j < calls.size(); j++) {
      if ((j == 0 && !content.isEmpty()) || j > 0) out.append('\n');
      ToolCall call = calls.get(j);
      out.append("<tool_call>\n{\"name\": \"").append(call.name()).append("\", \"arguments\": ");
      JsonNode args = call.arguments();
      out.append(args != null && args.isTextual() ? args.textValue() : PythonJson.dumps(args));
      out.append("}\n</tool_call>");
    }
    out.append("<|im_end|>\n");
  }

  private static boolean isWrappedToolResponse(String content) {
    return content.startsWith("<tool_response>") && content.endsWith("</tool_response>");
  }

  /** Python's {@code s.split(sep)[-1]}. */
  private static String afterLast(String s, String sep) {
    int at = s.lastIndexOf(sep);
    return at < 0 ? s : s.substring(at + sep.length());
  }

  /** Python's {@code s.split(sep)[0]}. */
  private static String beforeFirst(String s, String sep) {
    int at = s.indexOf(sep);
    return at < 0 ? s : s.substring(0, at);
  }

  private static String lstripNewlines(String s) {
    int start = 0;
    while (start < s.length() && s.charAt(start) == '\n') start++;
    return s.substring(start);
  }

  private static String rstripNewlines(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\n') end--;
    return s.substring(0, end);
  }

  private static String stripNewlines(String s) {
    return lstripNewlines(rstripNewlines(s));
  }
}
