package dev.brigade.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.text.ChatMessage;
import dev.brigade.engine.text.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads and validates a POST /v1/chat/completions body. Unknown fields are ignored. */
public final class ChatRequestParser {
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatRequestParser() {}

  public static GenerationSpec parse(JsonObject body) {
    Fields f = new Fields(body);
    String model = f.string("model");
    List<ChatMessage> messages = messages(f);
    List<JsonNode> tools = tools(f.array("tools"));
    SamplingFields.requireSingleChoice(f);
    boolean logprobs = Boolean.TRUE.equals(f.bool("logprobs"));
    Long top = f.integer("top_logprobs", 0, SamplingFields.MAX_TOP_LOGPROBS);
    if (top != null && !logprobs) {
      throw new ApiException(
          ApiError.invalid("top_logprobs", "top_logprobs needs logprobs set to true"));
    }
    int topLogprobs = logprobs ? (top == null ? 0 : top.intValue()) : -1;
    boolean[] streamFlags = SamplingFields.streamFlags(f);
    return new GenerationSpec(
        true,
        model,
        messages,
        tools,
        null,
        null,
        SamplingFields.maxTokens(f),
        SamplingFields.sampling(f, topLogprobs),
        SamplingFields.stop(f),
        streamFlags[0],
        streamFlags[1],
        logprobs,
        enableThinking(f));
  }

  private static List<ChatMessage> messages(Fields f) {
    JsonArray array = f.array("messages");
    if (array == null) {
      throw new ApiException(ApiError.invalid("messages", "messages is required"));
    }
    if (array.isEmpty()) {
      throw new ApiException(ApiError.invalid("messages", "messages must not be empty"));
    }
    List<ChatMessage> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String where = "messages[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject m)) {
        throw new ApiException(ApiError.invalid(where, where + " must be an object"));
      }
      Object role = m.getValue("role");
      if (!(role instanceof String r) || !ROLES.contains(r)) {
        throw new ApiException(
            ApiError.invalid(
                where + ".role", where + ".role must be one of " + ROLES + ", got " + role));
      }
      String content = content(where + ".content", m.getValue("content"), r);
      Fields mf = new Fields(m);
      String reasoning = optionalString(mf, where, "reasoning_content");
      String toolCallId = optionalString(mf, where, "tool_call_id");
      List<ToolCall> calls = toolCalls(where + ".tool_calls", m.getValue("tool_calls"));
      out.add(new ChatMessage(r.equals("developer") ? "system" : r, content, reasoning, calls, toolCallId));
    }
    return out;
  }

  private static String optionalString(Fields m, String where, String name) {
    Object v = m.raw(name);
    if (v == null) return null;
    if (!(v instanceof String s)) throw Fields.wrongType(where + "." + name, "a string", v);
    return s;
  }

  /** OpenAI tool calls: [{"id","type":"function","function":{"name","arguments":"{json}"}}]. */
  private static List<ToolCall> toolCalls(String where, Object v) {
    if (v == null) return List.of();
    if (!(v instanceof JsonArray array)) throw Fields.wrongType(where, "an array", v);
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String at = where + "[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject call)
          || !(call.getValue("function") instanceof JsonObject fn)
          || !(fn.getValue("name") instanceof String name)) {
        throw new ApiException(
            ApiError.invalid(at, at + " must be {\"type\":\"function\",\"function\":{\"name\",\"arguments\"}}"));
      }
      Object args = fn.getValue("arguments");
      String id = call.getValue("id") instanceof String s ? s : null;
      if (args == null || args instanceof String) {
        calls.add(ToolCall.fromOpenAi(id, name, (String) args));
      } else {
        calls.add(new ToolCall(id, name, toNode(at + ".function.arguments", args)));
      }
    }
    return calls;
  }

  private static List<JsonNode> tools(JsonArray array) {
    if (array == null) return null;
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject)) {
        throw new ApiException(ApiError.invalid("tools[" + i + "]", "tools[" + i + "] must be an object"));
      }
      out.add(toNode("tools[" + i + "]", array.getValue(i)));
    }
    return out;
  }

  private static JsonNode toNode(String where, Object v) {
    try {
      return JSON.readTree(io.vertx.core.json.Json.encode(v));
    } catch (JsonProcessingException e) {
      throw new ApiException(ApiError.invalid(where, where + " is not valid JSON"));
    }
  }

  /** A string, or an array of {"type":"text","text":...} parts joined together. */
  private static String content(String where, Object v, String role) {
    if (v == null) {
      if (role.equals("assistant")) return "";
      throw new ApiException(ApiError.invalid(where, where + " is required"));
    }
    if (v instanceof String s) return s;
    if (!(v instanceof JsonArray parts)) {
      throw Fields.wrongType(where, "a string or an array of text parts", v);
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      String partWhere = where + "[" + i + "]";
      if (!(parts.getValue(i) instanceof JsonObject part)
          || !"text".equals(part.getValue("type"))
          || !(part.getValue("text") instanceof String t)) {
        throw new ApiException(
            ApiError.invalid(
                partWhere, partWhere + " must be {\"type\":\"text\",\"text\":...}; only text is supported"));
      }
      text.append(t);
    }
    return text.toString();
  }

  private static boolean enableThinking(Fields f) {
    JsonObject kwargs = f.object("chat_template_kwargs");
    if (kwargs == null) return true;
    Object v = kwargs.getValue("enable_thinking");
    if (v == null) return true;
    if (!(v instanceof Boolean b)) {
      throw Fields.wrongType("chat_template_kwargs.enable_thinking", "a boolean", v);
    }
    return b;
  }
}
