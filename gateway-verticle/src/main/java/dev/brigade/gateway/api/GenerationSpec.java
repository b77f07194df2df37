package dev.brigade.gateway.api;

import dev.brigade.engine.sampling.SamplingParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.engine.text.ChatMessage;
import java.util.List;

/**
 * A validated generation request, whatever door it came in by (HTTP, WebSocket, gRPC).
 *
 * @param model the requested model name, or null for the served one
 * @param messages chat messages (chat requests), else null
 * @param tools OpenAI tool definitions handed to the chat template, or null
 * @param promptText completion prompt as text, or null
 * @param promptIds completion prompt as token ids, or null
 * @param maxTokens null: as many as the context allows
 * @param stop stop strings, never empty strings
 * @param logprobs whether per-token logprobs are returned
 * @param enableThinking chat_template_kwargs.enable_thinking (default true)
 */
public record GenerationSpec(
    boolean chat,
    String model,
    List<ChatMessage> messages,
    List<JsonNode> tools,
    String promptText,
    int[] promptIds,
    Integer maxTokens,
    SamplingParams sampling,
    List<String> stop,
    boolean stream,
    boolean includeUsage,
    boolean logprobs,
    boolean enableThinking) {}
