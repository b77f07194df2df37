package dev.brigade.protocol.wire;

/**
 * A stage could not run a sequence; sent to the sequence's gateway (and as the failure text of
 * a refused StartSequence request).
 *
 * @param nodeId the stage's node
 */
public record SequenceError(String seqId, int attempt, Kind kind, String nodeId, String message)
    implements WireMessage {

  /** Failure codes; the code is also used as the event-bus failure code of refused requests. */
  public enum Kind {
    /** The sequence can never fit this stage's KV cache or the model's context. */
    CONTEXT_FULL(1),
    /** The stage's KV cache is full right now; another pipeline or a later retry may work. */
    QUEUE_FULL(2),
    /** The frame was rejected (bad version, malformed body, unknown sequence). */
    BAD_FRAME(3),
    /** The stage failed while computing; the gateway should fail over. */
    INTERNAL(4);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    public static Kind fromCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return INTERNAL;
    }
  }

  @Override
  public MessageType type() {
    return MessageType.SEQUENCE_ERROR;
  }

  @Override
  public void writeBody(WireWriter out) {
    String text = message == null ? "" : message;
    out.string(seqId).i32(attempt).u8(kind.code()).string(nodeId);
    out.string(text.length() > 4000 ? text.substring(0, 4000) : text);
  }

  static SequenceError read(WireReader in) {
    return new SequenceError(
        in.string("seqId"), in.i32("attempt"), Kind.fromCode(in.u8("kind")), in.string("nodeId"), in.string("message"));
  }
}
