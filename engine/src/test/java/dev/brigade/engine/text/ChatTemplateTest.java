package dev.brigade.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChatTemplateTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Case(String name, List<ChatMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt,
      boolean enableThinking, String rendered) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The shared golden cases. */
  static Stream<Case> goldenCases() throws IOException {
    return read("chat_template_cases.json");
  }

  /** Cases rendered by Jinja2 with src/test/python/render_chat_cases.py for the other branches. */
  static Stream<Case> branchCases() throws IOException {
    return read("chat_template_extra_cases.json");
  }

  @ParameterizedTest
  @MethodSource("goldenCases")
  void rendersGoldenCasesByteForByte(Case c) {
    assertEquals(c.rendered(), ChatTemplate.render(c.messages(), c.tools(), c.addGenerationPrompt(), c.enableThinking()));
  }

  @ParameterizedTest
  @MethodSource("branchCases")
  void rendersEveryTemplateBranchLikeJinja(Case c) {
    assertEquals(c.rendered(), ChatTemplate.render(c.messages(), c.tools(), c.addGenerationPrompt(), c.enableThinking()));
  }

  @Test
  void stringArgumentsArePrintedVerbatim() {
    ChatMessage call =
        new ChatMessage("assistant", null, null, List.of(new ToolCall("c1", "f", TextNode.valueOf("{\"a\":1}"))), null);
    String out = ChatTemplate.render(List.of(ChatMessage.user("u"), call), null, false, true);
    assertEquals(
        "<|im_start|>user\nu<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
            + "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\":1}}\n</tool_call><|im_end|>\n",
        out);
  }

  @Test
  void openAiArgumentStringsAreParsedLikeVllmDoes() {
    ToolCall parsed = ToolCall.fromOpenAi("c1", "f", "{\"city\":\"Paris\",\"n\":2.0}");
    ToolCall notJson = ToolCall.fromOpenAi("c2", "f", "city=Paris");
    String out =
        ChatTemplate.render(
            List.of(ChatMessage.user("u"), new ChatMessage("assistant", "", null, List.of(parsed, notJson), null)),
            null, false, true);
    assertEquals(
        "<|im_start|>user\nu<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
            + "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"city\": \"Paris\", \"n\": 2.0}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"f\", \"arguments\": city=Paris}\n</tool_call><|im_end|>\n",
        out);
  }

  @Test
  void rejectsAnEmptyConversation() {
    assertThrows(IllegalArgumentException.class, () -> ChatTemplate.render(List.of(), null, true, true));
  }

  @Test
  void tokenizesTheRenderedPromptWithSpecialTokens() {
    Qwen3Tokenizer tok = SharedTokenizer.INSTANCE;
    int[] ids = tok.encode(ChatTemplate.render(List.of(ChatMessage.user("Hi")), null, true, true));
    assertEquals(List.of(151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198), box(ids));
  }

  private static List<Integer> box(int[] ids) {
    List<Integer> out = new ArrayList<>();
    for (int id : ids) out.add(id);
    return out;
  }

  private static Stream<Case> read(String resource) throws IOException {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream(resource)) {
      List<Case> out = new ArrayList<>();
      for (JsonNode c : JSON.readTree(in)) {
        JsonNode input = c.get("input");
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : input.get("messages")) messages.add(message(m));
        List<JsonNode> tools = new ArrayList<>();
        if (input.has("tools")) input.get("tools").forEach(tools::add);
        out.add(
            new Case(
                c.get("name").textValue(),
                messages,
                tools,
                input.path("add_generation_prompt").asBoolean(false),
                input.path("enable_thinking").asBoolean(true),
                c.get("rendered").textValue()));
      }
      return out.stream();
    }
  }

  private static ChatMessage message(JsonNode m) {
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode call : m.path("tool_calls")) {
      JsonNode fn = call.has("function") ? call.get("function") : call;
      calls.add(new ToolCall(call.path("id").textValue(), fn.get("name").textValue(), fn.get("arguments")));
    }
    return new ChatMessage(
        m.get("role").textValue(),
        m.path("content").textValue(),
        m.has("reasoning_content") ? m.get("reasoning_content").textValue() : null,
        calls,
        m.path("tool_call_id").textValue());
  }
}
