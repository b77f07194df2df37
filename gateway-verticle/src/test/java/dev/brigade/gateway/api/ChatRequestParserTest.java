package dev.brigade.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.text.ChatMessage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestParserTest {

  private static JsonObject body(String json) {
    return new JsonObject(json);
  }

  private static ApiError error(String json) {
    return assertThrows(ApiException.class, () -> ChatRequestParser.parse(body(json))).error();
  }

  @Test
  void readsEveryParameter() {
    GenerationSpec spec =
        ChatRequestParser.parse(
            body(
                """
                {"model":"m","messages":[{"role":"system","content":"be brief"},
                  {"role":"user","content":[{"type":"text","text":"hi "},{"type":"text","text":"there"}]}],
                 "max_tokens":7,"temperature":0.5,"top_p":0.9,"top_k":20,"min_p":0.05,"seed":42,
                 "stop":["a","b"],"presence_penalty":0.1,"frequency_penalty":-0.2,"repetition_penalty":1.1,
                 "n":1,"stream":true,"stream_options":{"include_usage":true},"logprobs":true,"top_logprobs":3,
                 "chat_template_kwargs":{"enable_thinking":false}}
                """));
    assertEquals("m", spec.model());
    assertEquals(List.of(ChatMessage.system("be brief"), ChatMessage.user("hi there")), spec.messages());
    assertEquals(7, spec.maxTokens());
    assertEquals(0.5, spec.sampling().temperature());
    assertEquals(0.9, spec.sampling().topP());
    assertEquals(20, spec.sampling().topK());
    assertEquals(0.05, spec.sampling().minP());
    assertEquals(42, spec.sampling().seed());
    assertEquals(1.1, spec.sampling().repetitionPenalty());
    assertEquals(0.1, spec.sampling().presencePenalty());
    assertEquals(-0.2, spec.sampling().frequencyPenalty());
    assertEquals(3, spec.sampling().topLogprobs());
    assertEquals(List.of("a", "b"), spec.stop());
    assertTrue(spec.stream());
    assertTrue(spec.includeUsage());
    assertTrue(spec.logprobs());
    assertFalse(spec.enableThinking());
  }

  @Test
  void maxCompletionTokensWinsAndDefaultsApply() {
    GenerationSpec spec =
        ChatRequestParser.parse(
            body("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_completion_tokens\":3,\"max_tokens\":9,\"stop\":\"z\"}"));
    assertEquals(3, spec.maxTokens());
    assertEquals(List.of("z"), spec.stop());
    assertEquals(1.0, spec.sampling().temperature());
    assertEquals(-1, spec.sampling().topLogprobs());
    assertTrue(spec.enableThinking());
    assertFalse(spec.stream());
  }

  @Test
  void toolCallsReasoningAndToolsReachTheTemplateMessages() {
    GenerationSpec spec =
        ChatRequestParser.parse(
            body(
                """
                {"messages":[{"role":"user","content":"weather?"},
                  {"role":"assistant","content":null,"reasoning_content":"look it up",
                   "tool_calls":[{"id":"c1","type":"function","function":{"name":"get","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                  {"role":"tool","content":"sunny","tool_call_id":"c1"}],
                 "tools":[{"type":"function","function":{"name":"get","parameters":{}}}]}
                """));
    ChatMessage assistant = spec.messages().get(1);
    assertEquals("look it up", assistant.reasoningContent());
    assertEquals("get", assistant.toolCalls().getFirst().name());
    assertEquals("Oslo", assistant.toolCalls().getFirst().arguments().get("city").asText());
    assertEquals("c1", spec.messages().get(2).toolCallId());
    assertEquals(1, spec.tools().size());
  }

  @Test
  void badInputNamesTheParameter() {
    assertEquals("messages", error("{}").param());
    assertEquals("messages", error("{\"messages\":[]}").param());
    assertEquals("messages", error("{\"messages\":\"hi\"}").param());
    assertEquals("messages[0].role", error("{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}").param());
    assertEquals("messages[0].content", error("{\"messages\":[{\"role\":\"user\"}]}").param());
    assertEquals("messages[0].content", error("{\"messages\":[{\"role\":\"user\",\"content\":5}]}").param());
    String m = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
    assertEquals("temperature", error("{" + m + ",\"temperature\":\"hot\"}").param());
    assertEquals("temperature", error("{" + m + ",\"temperature\":3}").param());
    assertEquals("top_p", error("{" + m + ",\"top_p\":0}").param());
    assertEquals("max_tokens", error("{" + m + ",\"max_tokens\":0}").param());
    assertEquals("max_tokens", error("{" + m + ",\"max_tokens\":1.5}").param());
    assertEquals("n", error("{" + m + ",\"n\":2}").param());
    assertEquals("stop", error("{" + m + ",\"stop\":[1]}").param());
    assertEquals("stop", error("{" + m + ",\"stop\":\"\"}").param());
    assertEquals("top_logprobs", error("{" + m + ",\"top_logprobs\":2}").param());
    assertEquals("top_logprobs", error("{" + m + ",\"logprobs\":true,\"top_logprobs\":99}").param());
    assertEquals("stream_options", error("{" + m + ",\"stream_options\":{\"include_usage\":true}}").param());
    assertEquals("seed", error("{" + m + ",\"seed\":\"x\"}").param());
    assertEquals(
        "chat_template_kwargs.enable_thinking",
        error("{" + m + ",\"chat_template_kwargs\":{\"enable_thinking\":\"no\"}}").param());
    ApiError e = error("{" + m + ",\"temperature\":3}");
    assertEquals(400, e.status());
    assertEquals("invalid_request_error", e.type());
    assertTrue(e.message().contains("temperature"), e.message());
  }
}
