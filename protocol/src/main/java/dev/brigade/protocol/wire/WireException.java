package dev.brigade.protocol.wire;

/** A frame that cannot be decoded: wrong magic, another protocol version, or a malformed body. */
public final class WireException extends RuntimeException {
  public WireException(String message) {
    super(message);
  }
}
