package dev.brigade.gateway.sequence;

import dev.brigade.engine.sampling.SamplingParams;
import java.util.Set;

/**
 * One generation to run on the mesh.
 *
 * @param requestId unique per request; also the sequence id every stage keys its KV cache by
 * @param stopTokenIds ids that end the sequence (e.g. im_end, endoftext); the stop token is
 *     reported by {@link SequenceListener#onFinish} and never as a generated token
 */
public record SequenceRequest(
    String requestId,
    int[] promptIds,
    SamplingParams sampling,
    int maxTokens,
    Set<Integer> stopTokenIds) {}
