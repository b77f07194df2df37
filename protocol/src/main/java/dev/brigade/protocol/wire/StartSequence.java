package dev.brigade.protocol.wire;

/**
 * Starts (or, after failover, resumes) a sequence. The gateway sends it to the head with a
 * reply expected (accepted, or refused with a {@link SequenceError} code); each stage forwards
 * it to the next before the sequence's first activation, so every stage knows the gateway and
 * the tail knows how to sample and when to stop.
 *
 * @param attempt 0 for the first run, +1 for every restart; stages drop frames of older attempts
 * @param generatedIds tokens already delivered before a failover; prefilled after the prompt,
 *     and the next token's index is their count
 * @param stopIds token ids that end the sequence
 */
public record StartSequence(
    String seqId,
    int attempt,
    String gatewayId,
    int[] promptIds,
    Sampling sampling,
    int maxTokens,
    int[] stopIds,
    int[] generatedIds)
    implements WireMessage {

  @Override
  public MessageType type() {
    return MessageType.START_SEQUENCE;
  }

  /** Prompt followed by the tokens generated so far: what a stage prefills. */
  public int[] contextIds() {
    int[] all = new int[promptIds.length + generatedIds.length];
    System.arraycopy(promptIds, 0, all, 0, promptIds.length);
    System.arraycopy(generatedIds, 0, all, promptIds.length, generatedIds.length);
    return all;
  }

  @Override
  public void writeBody(WireWriter out) {
    out.string(seqId).i32(attempt).string(gatewayId).ints(promptIds);
    sampling.write(out);
    out.i32(maxTokens).ints(stopIds).ints(generatedIds);
  }

  static StartSequence read(WireReader in) {
    String seqId = in.string("seqId");
    int attempt = in.i32("attempt");
    String gatewayId = in.string("gatewayId");
    int[] prompt = in.ints("promptIds");
    if (prompt.length == 0) {
      throw new WireException("malformed START_SEQUENCE: promptIds is empty");
    }
    Sampling sampling = Sampling.read(in);
    int maxTokens = in.i32("maxTokens");
    if (maxTokens < 1) {
      throw new WireException("malformed START_SEQUENCE: maxTokens is " + maxTokens + ", must be >= 1");
    }
    return new StartSequence(
        seqId, attempt, gatewayId, prompt, sampling, maxTokens, in.ints("stopIds"), in.ints("generatedIds"));
  }
}
