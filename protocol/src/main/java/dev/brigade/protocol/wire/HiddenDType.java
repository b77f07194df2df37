package dev.brigade.protocol.wire;

/**
 * How hidden states travel between stages. F32 (the default) keeps a pipeline bit-identical to
 * a single process, whose hidden state stays f32 from layer to layer; BF16 halves the bytes on
 * the wire at the cost of rounding the residual stream at each hop (outputs may then differ
 * from a single-process run).
 */
public enum HiddenDType {
  F32(0, 4),
  BF16(1, 2);

  private final int code;
  private final int bytes;

  HiddenDType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  public int code() {
    return code;
  }

  public int bytes() {
    return bytes;
  }

  static HiddenDType fromCode(int code) {
    for (HiddenDType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new WireException("malformed ACTIVATION_FRAME: unknown hidden dtype " + code);
  }
}
