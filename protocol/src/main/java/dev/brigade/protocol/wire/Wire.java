package dev.brigade.protocol.wire;

import dev.brigade.protocol.ProtocolVersion;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

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
 *
 * <p>A BATCH frame carries several whole frames for one node (what one batched forward produced
 * for the next stage, or the tokens the tail feeds back to the head), so they cross the event
 * bus as one message and arrive together, and the receiver's next batch holds them all:
 *
 * <pre>
 *   header (type BATCH) | i32 count | count x (i32 length | frame of that length)
 * </pre>
 */
public final class Wire {
  private Wire() {}

  static final byte MAGIC_0 = 'B';
  static final byte MAGIC_1 = 'G';
  public static final int HEADER_BYTES = 5;

  /** Decodes a frame that holds one message; a BATCH frame is refused (see {@link #decodeAll}). */
  public static WireMessage decode(Buffer frame) {
    MessageType type = header(frame);
    if (type == MessageType.BATCH) {
      throw new WireException("a BATCH frame holds several messages; this address takes one message per frame");
    }
    return body(frame, type);
  }

  /** The messages of a frame: a BATCH frame's, in order, or the one message of any other frame. */
  public static List<WireMessage> decodeAll(Buffer frame) {
    MessageType type = header(frame);
    if (type != MessageType.BATCH) {
      return List.of(body(frame, type));
    }
    WireReader in = new WireReader(frame, HEADER_BYTES, type);
    int count = in.count("count", (frame.length() - HEADER_BYTES) / (HEADER_BYTES + 4));
    List<WireMessage> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Buffer inner = in.frame("message " + i);
      MessageType innerType = header(inner);
      if (innerType == MessageType.BATCH) {
        throw new WireException("malformed BATCH: message " + i + " is itself a BATCH");
      }
      out.add(body(inner, innerType));
    }
    in.expectEnd();
    return out;
  }

  /** One frame holding {@code messages} (at least one), decoded by {@link #decodeAll}. */
  public static Buffer encodeBatch(List<? extends WireMessage> messages) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a BATCH frame needs at least one message");
    }
    List<Buffer> frames = new ArrayList<>(messages.size());
    int size = 4;
    for (WireMessage m : messages) {
      Buffer f = m.encode();
      frames.add(f);
      size += 4 + f.length();
    }
    WireWriter out = new WireWriter(MessageType.BATCH, size);
    out.i32(frames.size());
    for (Buffer f : frames) {
      out.i32(f.length()).buffer().appendBuffer(f);
    }
    return out.buffer();
  }

  /** Checks magic and version; returns the frame's type. */
  private static MessageType header(Buffer frame) {
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
    return MessageType.fromCode(frame.getUnsignedByte(4));
  }

  private static WireMessage body(Buffer frame, MessageType type) {
    WireReader in = new WireReader(frame, HEADER_BYTES, type);
    WireMessage message =
        switch (type) {
          case START_SEQUENCE -> StartSequence.read(in);
          case ACTIVATION_FRAME -> ActivationFrame.read(in);
          case NEXT_TOKEN -> NextToken.read(in);
          case TOKEN_EVENT -> TokenEvent.read(in);
          case FREE_SEQUENCE -> FreeSequence.read(in);
          case SEQUENCE_ERROR -> SequenceError.read(in);
          case BATCH -> throw new IllegalStateException("BATCH frames are split by decodeAll");
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
