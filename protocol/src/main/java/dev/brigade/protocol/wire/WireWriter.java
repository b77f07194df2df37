package dev.brigade.protocol.wire;

import dev.brigade.protocol.ProtocolVersion;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Appends little-endian fields to a frame whose header is already written. */
public final class WireWriter {
  private final Buffer buf;

  WireWriter(MessageType type) {
    this(type, 64);
  }

  WireWriter(MessageType type, int sizeHint) {
    buf = Buffer.buffer(sizeHint + Wire.HEADER_BYTES);
    buf.appendByte(Wire.MAGIC_0).appendByte(Wire.MAGIC_1);
    buf.appendUnsignedShortLE(ProtocolVersion.CURRENT);
    buf.appendUnsignedByte((short) type.code());
  }

  Buffer buffer() {
    return buf;
  }

  public WireWriter u8(int v) {
    buf.appendUnsignedByte((short) v);
    return this;
  }

  public WireWriter bool(boolean v) {
    return u8(v ? 1 : 0);
  }

  public WireWriter i32(int v) {
    buf.appendIntLE(v);
    return this;
  }

  public WireWriter i64(long v) {
    buf.appendLongLE(v);
    return this;
  }

  public WireWriter f32(float v) {
    buf.appendFloatLE(v);
    return this;
  }

  public WireWriter f64(double v) {
    buf.appendDoubleLE(v);
    return this;
  }

  public WireWriter string(String s) {
    byte[] bytes = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) {
      throw new WireException("string of " + bytes.length + " bytes is too long for a frame");
    }
    buf.appendUnsignedShortLE(bytes.length);
    buf.appendBytes(bytes);
    return this;
  }

  public WireWriter ints(int[] values) {
    buf.appendIntLE(values.length);
    for (int v : values) {
      buf.appendIntLE(v);
    }
    return this;
  }

  /** Raw bytes, already little-endian (hidden states). */
  public WireWriter bytes(byte[] raw) {
    buf.appendBytes(raw);
    return this;
  }
}
