package dev.brigade.gateway.session;

import java.util.List;

/**
 * One generated token with its log-probability and the most likely alternatives.
 *
 * @param token the token's text (bytes that are not whole UTF-8 characters show as U+FFFD)
 * @param bytes the token's raw bytes
 */
public record TokenLogprob(
    int tokenId, String token, byte[] bytes, double logprob, List<TokenLogprob> top) {}
