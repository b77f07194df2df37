package dev.brigade.gateway.api;

/** One chat message after validation; content parts are already joined into text. */
public record ChatMessage(String role, String content) {}
