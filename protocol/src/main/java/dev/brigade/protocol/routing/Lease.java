package dev.brigade.protocol.routing;

/**
 * One sequence's claim on a pipeline: it counts as in flight, with {@code tokens} context
 * tokens (prompt + output limit) of KV room, until released at finish, cancel or failover.
 */
public record Lease(long id, String pipelineId, long tokens) {}
