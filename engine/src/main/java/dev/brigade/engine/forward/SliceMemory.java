package dev.brigade.engine.forward;

/**
 * What a loaded slice occupies on its backend.
 *
 * @param weightBytes weights as stored (FP8 scales included)
 * @param kvBytes the whole KV pool
 * @param kvBytesPerToken K and V of one token across the slice's layers
 * @param kvTokens token slots in the pool
 * @param activationBytes scratch buffers as currently sized (they grow with the batch)
 */
public record SliceMemory(
    long weightBytes, long kvBytes, long kvBytesPerToken, long kvTokens, long activationBytes) {

  public long totalBytes() {
    return weightBytes + kvBytes + activationBytes;
  }
}
