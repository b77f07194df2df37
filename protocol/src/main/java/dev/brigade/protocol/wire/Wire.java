package dev.brigade.protocol.wire;

import dev.brigade.protocol.ProtocolVersion;
import io.vertx.core.buffer.Buffer;

/**
 * The data-plane frame format. Every frame is a Vert.x {@link Buffer}, little-endian:
 *
 * <pre>
 *   u8[2] magic "BG" | u16 protocol version | u8 message type | body...
 * </pre>
 *
 * Bodies are written by each message's {@code writeBody} and read by its {@code read}; strings
 * are u16 length + UTF-8, int arrays i32 count + i32 values. A frame with another magic or
 * version, an unknown type, a truncated body or trailing bytes is rejected with a {@link
 * WireException} naming the problem.
 */
public final class Wire {
  private Wire() {}

  static final byte MAGIC_0 = 'B';
  static final byte MAGIC_1 = 'G';
  public static final int HEADER_BYTES = 5;

  public static WireMessage decode(Buffer frame) {
    if (frame == null) {
      throw new WireException("empty frame: expected a Buffer with a Brigade header");
    }
    if (frame.length() < HEADER_BYTES) {
      throw new WireException(
          "frame of " + frame.length() + " bytes is shorter than the " + HEADER_BYTES + "-byte header");
    }
    if (frame.getByte(0) != MAGIC_0 || frame.getByte(1) != MAGIC_1) {
      throw new WireException("not a Brigade frame (bad magic bytes)");
    }
    int version = frame.getUnsignedShortLE(2);
    if (version != ProtocolVersion.CURRENT) {
      throw new WireException(
          "protocol version " + version + " is not supported; this node speaks version "
              + ProtocolVersion.CURRENT);
    }
    MessageType type = MessageType.fromCode(frame.getUnsignedByte(4));
    WireReader in = new WireReader(frame, HEADER_BYTES, type);
    WireMessage message =
        switch (type) {
          case START_SEQUENCE -> StartSequence.read(in);
          case ACTIVATION_FRAME -> ActivationFrame.read(in);
          case NEXT_TOKEN -> NextToken.read(in);
          case TOKEN_EVENT -> TokenEvent.read(in);
          case FREE_SEQUENCE -> FreeSequence.read(in);
          case SEQUENCE_ERROR -> SequenceError.read(in);
        };
    in.expectEnd();
    return message;
  }

  /** The type of a frame without decoding its body, or null when the header is not valid. */
  public static MessageType peekType(Buffer frame) {
    try {
      if (frame == null || frame.length() < HEADER_BYTES) {
        return null;
      }
      return MessageType.fromCode(frame.getUnsignedByte(4));
    } catch (WireException e) {
      return null;
    }
  }
}
