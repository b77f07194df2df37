package dev.brigade.protocol.wire;

import java.util.List;

/**
 * A sampled token, from the tail to the sequence's gateway. Idempotent by (seqId, index).
 *
 * @param index 0-based among generated tokens
 * @param position the token's position in the sequence (prompt length + index)
 * @param logprob NaN when logprobs were not requested
 * @param finish NONE while the sequence goes on; STOP when tokenId is a stop token (the stop
 *     token is not part of the output), LENGTH when this was the last allowed token
 */
public record TokenEvent(
    String seqId,
    int attempt,
    int index,
    int position,
    int tokenId,
    float logprob,
    List<Top> topLogprobs,
    Finish finish)
    implements WireMessage {

  public record Top(int tokenId, float logprob) {}

  public enum Finish {
    NONE,
    STOP,
    LENGTH
  }

  @Override
  public MessageType type() {
    return MessageType.TOKEN_EVENT;
  }

  @Override
  public void writeBody(WireWriter out) {
    out.string(seqId).i32(attempt).i32(index).i32(position).i32(tokenId).f32(logprob);
    out.i32(topLogprobs.size());
    for (Top t : topLogprobs) {
      out.i32(t.tokenId()).f32(t.logprob());
    }
    out.u8(finish.ordinal());
  }

  static TokenEvent read(WireReader in) {
    String seqId = in.string("seqId");
    int attempt = in.i32("attempt");
    int index = in.count("index", Integer.MAX_VALUE);
    int position = in.count("position", Integer.MAX_VALUE);
    int tokenId = in.i32("tokenId");
    float logprob = in.f32("logprob");
    int nTop = in.count("topLogprobs.length", 1024);
    Top[] top = new Top[nTop];
    for (int i = 0; i < nTop; i++) {
      top[i] = new Top(in.i32("top.tokenId"), in.f32("top.logprob"));
    }
    int f = in.u8("finish");
    if (f >= Finish.values().length) {
      throw new WireException("malformed TOKEN_EVENT: unknown finish code " + f);
    }
    return new TokenEvent(seqId, attempt, index, position, tokenId, logprob, List.of(top), Finish.values()[f]);
  }
}
