package dev.brigade.protocol.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Reads little-endian fields from a frame body, bounds-checked; errors name the message. */
public final class WireReader {
  private final Buffer buf;
  private final MessageType type;
  private int pos;

  WireReader(Buffer buf, int pos, MessageType type) {
    this.buf = buf;
    this.pos = pos;
    this.type = type;
  }

  private void need(int bytes, String field) {
    if (bytes < 0 || pos + (long) bytes > buf.length()) {
      throw new WireException(
          "malformed " + type + ": field " + field + " needs " + bytes + " bytes at offset " + pos
              + " but the frame has " + buf.length());
    }
  }

  public int u8(String field) {
    need(1, field);
    return buf.getUnsignedByte(pos++);
  }

  public boolean bool(String field) {
    int v = u8(field);
    if (v > 1) {
      throw new WireException("malformed " + type + ": field " + field + " is " + v + ", not 0 or 1");
    }
    return v == 1;
  }

  public int i32(String field) {
    need(4, field);
    int v = buf.getIntLE(pos);
    pos += 4;
    return v;
  }

  /** A count or size that must lie in [0, max]. */
  public int count(String field, int max) {
    int v = i32(field);
    if (v < 0 || v > max) {
      throw new WireException(
          "malformed " + type + ": field " + field + " is " + v + ", outside [0, " + max + "]");
    }
    return v;
  }

  public long i64(String field) {
    need(8, field);
    long v = buf.getLongLE(pos);
    pos += 8;
    return v;
  }

  public float f32(String field) {
    need(4, field);
    float v = buf.getFloatLE(pos);
    pos += 4;
    return v;
  }

  public double f64(String field) {
    need(8, field);
    double v = buf.getDoubleLE(pos);
    pos += 8;
    return v;
  }

  public String string(String field) {
    need(2, field);
    int len = buf.getUnsignedShortLE(pos);
    pos += 2;
    need(len, field);
    String s = buf.getString(pos, pos + len, StandardCharsets.UTF_8.name());
    pos += len;
    return s;
  }

  public int[] ints(String field) {
    int n = count(field + ".length", (buf.length() - pos) / 4);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = buf.getIntLE(pos);
      pos += 4;
    }
    return out;
  }

  /** A nested frame: i32 length then that many bytes, as a view (no copy). */
  public Buffer frame(String field) {
    int len = count(field + ".length", Math.max(0, buf.length() - pos - 4));
    need(len, field);
    Buffer out = buf.slice(pos, pos + len);
    pos += len;
    return out;
  }

  /** A little-endian float32 block of n values. */
  public float[] f32s(String field, int n) {
    need(Math.multiplyExact(n, 4), field);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = buf.getFloatLE(pos);
      pos += 4;
    }
    return out;
  }

  /** A little-endian bfloat16 block of n values, widened to float32. */
  public float[] bf16s(String field, int n) {
    need(Math.multiplyExact(n, 2), field);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = Float.intBitsToFloat(buf.getUnsignedShortLE(pos) << 16);
      pos += 2;
    }
    return out;
  }

  void expectEnd() {
    if (pos != buf.length()) {
      throw new WireException(
          "malformed " + type + ": " + (buf.length() - pos) + " unexpected trailing bytes");
    }
  }
}
