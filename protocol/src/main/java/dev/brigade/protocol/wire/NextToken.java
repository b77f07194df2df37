package dev.brigade.protocol.wire;

/** The tail's sampled token, sent back to the head: the next decode step's input. */
public record NextToken(String seqId, int attempt, int position, int tokenId) implements WireMessage {

  @Override
  public MessageType type() {
    return MessageType.NEXT_TOKEN;
  }

  @Override
  public void writeBody(WireWriter out) {
    out.string(seqId).i32(attempt).i32(position).i32(tokenId);
  }

  static NextToken read(WireReader in) {
    return new NextToken(
        in.string("seqId"), in.i32("attempt"), in.count("position", Integer.MAX_VALUE), in.i32("tokenId"));
  }
}
