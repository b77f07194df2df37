package dev.brigade.protocol.wire;

/** The one-byte message type in every frame header. Codes are part of the protocol. */
public enum MessageType {
  START_SEQUENCE(1),
  ACTIVATION_FRAME(2),
  NEXT_TOKEN(3),
  TOKEN_EVENT(4),
  FREE_SEQUENCE(5),
  SEQUENCE_ERROR(6),
  /** Several messages for the same node in one frame (see {@link Wire#encodeBatch}). */
  BATCH(7);

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static MessageType fromCode(int code) {
    for (MessageType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new WireException("unknown message type " + code);
  }
}
