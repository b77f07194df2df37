package dev.brigade.protocol.wire;

/**
 * Hidden states of nTokens consecutive positions of one sequence, from one stage to the next.
 * The sampling settings are not repeated here: they reached every stage in the {@link
 * StartSequence} that precedes the first frame.
 *
 * @param startPosition position of the first row
 * @param sample true when the tail must sample a token after the last row (last prefill chunk
 *     and every decode step)
 * @param hidden row-major [nTokens, hiddenSize], float32 in memory whatever the wire dtype
 * @param wireDType how {@code hidden} is written on the wire
 */
public record ActivationFrame(
    String seqId,
    int attempt,
    int startPosition,
    int nTokens,
    int hiddenSize,
    boolean sample,
    HiddenDType wireDType,
    float[] hidden)
    implements WireMessage {

  /** Largest frame we accept: keeps one message from blocking a connection for long. */
  public static final int MAX_VALUES = 64 * 1024 * 1024;

  public ActivationFrame {
    if ((long) nTokens * hiddenSize != hidden.length) {
      throw new IllegalArgumentException(
          "hidden has " + hidden.length + " values, expected " + nTokens + " x " + hiddenSize);
    }
  }

  @Override
  public MessageType type() {
    return MessageType.ACTIVATION_FRAME;
  }

  @Override
  public void writeBody(WireWriter out) {
    out.string(seqId).i32(attempt).i32(startPosition).i32(nTokens).i32(hiddenSize);
    out.bool(sample).u8(wireDType.code());
    byte[] raw = new byte[hidden.length * wireDType.bytes()];
    if (wireDType == HiddenDType.F32) {
      for (int i = 0, b = 0; i < hidden.length; i++, b += 4) {
        int bits = Float.floatToRawIntBits(hidden[i]);
        raw[b] = (byte) bits;
        raw[b + 1] = (byte) (bits >>> 8);
        raw[b + 2] = (byte) (bits >>> 16);
        raw[b + 3] = (byte) (bits >>> 24);
      }
    } else {
      for (int i = 0, b = 0; i < hidden.length; i++, b += 2) {
        int h = Bf16.fromFloat(hidden[i]);
        raw[b] = (byte) h;
        raw[b + 1] = (byte) (h >>> 8);
      }
    }
    out.bytes(raw);
  }

  static ActivationFrame read(WireReader in) {
    String seqId = in.string("seqId");
    int attempt = in.i32("attempt");
    int start = in.count("startPosition", Integer.MAX_VALUE);
    int n = in.count("nTokens", MAX_VALUES);
    int hiddenSize = in.count("hiddenSize", MAX_VALUES);
    if (n == 0 || hiddenSize == 0 || (long) n * hiddenSize > MAX_VALUES) {
      throw new WireException(
          "malformed ACTIVATION_FRAME: " + n + " tokens x " + hiddenSize + " hidden is not a valid size");
    }
    boolean sample = in.bool("sample");
    HiddenDType dtype = HiddenDType.fromCode(in.u8("dtype"));
    float[] hidden =
        dtype == HiddenDType.F32 ? in.f32s("hidden", n * hiddenSize) : in.bf16s("hidden", n * hiddenSize);
    return new ActivationFrame(seqId, attempt, start, n, hiddenSize, sample, dtype, hidden);
  }
}
