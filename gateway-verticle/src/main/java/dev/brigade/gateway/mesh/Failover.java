package dev.brigade.gateway.mesh;

/**
 * A sequence left its pipeline and restarted elsewhere (or gave up).
 *
 * @param sequenceId the sequence that moved
 * @param fromPipeline the pipeline it left
 * @param reason why it left (member left, send failed, stage error, no progress)
 * @param generatedTokens tokens it had generated when it left
 * @param atMillis wall-clock time of the move
 */
public record Failover(String sequenceId, String fromPipeline, String reason, int generatedTokens, long atMillis) {}
