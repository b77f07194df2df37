package dev.brigade.protocol.wire;

import io.vertx.core.buffer.Buffer;

/** A data-plane message; {@link Wire#decode} turns a frame back into one of these. */
public sealed interface WireMessage
    permits StartSequence, ActivationFrame, NextToken, TokenEvent, FreeSequence, SequenceError {

  MessageType type();

  /** The sequence this message is about. */
  String seqId();

  /** Writes the body (everything after the header). */
  void writeBody(WireWriter out);

  /** The whole frame: header then body. */
  default Buffer encode() {
    WireWriter out = new WireWriter(type());
    writeBody(out);
    return out.buffer();
  }
}
