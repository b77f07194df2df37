package dev.brigade.protocol.wire;

/** Frees a sequence's KV cache and state on a stage (finish, cancel, failover). Idempotent. */
public record FreeSequence(String seqId) implements WireMessage {

  @Override
  public MessageType type() {
    return MessageType.FREE_SEQUENCE;
  }

  @Override
  public void writeBody(WireWriter out) {
    out.string(seqId);
  }

  static FreeSequence read(WireReader in) {
    return new FreeSequence(in.string("seqId"));
  }
}
