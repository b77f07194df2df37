package dev.brigade.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireTest {

  private static final Sampling SAMPLING = new Sampling(0.7, 20, 0.9, 0.05, 1.1, 0.2, 0.3, 42L, 3);

  @Test
  void startSequenceRoundTrips() {
    StartSequence s =
        new StartSequence("req-1", 2, "gw-a", new int[] {1, 2, 3}, SAMPLING, 16, new int[] {7}, new int[] {4, 5});
    StartSequence back = (StartSequence) Wire.decode(s.encode());
    assertEquals("req-1", back.seqId());
    assertEquals(2, back.attempt());
    assertEquals("gw-a", back.gatewayId());
    assertArrayEquals(new int[] {1, 2, 3}, back.promptIds());
    assertEquals(SAMPLING, back.sampling());
    assertEquals(16, back.maxTokens());
    assertArrayEquals(new int[] {7}, back.stopIds());
    assertArrayEquals(new int[] {1, 2, 3, 4, 5}, back.contextIds());
  }

  @Test
  void f32ActivationsAreExact() {
    float[] hidden = {1.0f, -2.5f, 3.1415927f, Float.MIN_VALUE, 1e30f, -0.0f};
    ActivationFrame f = new ActivationFrame("s", 0, 5, 2, 3, true, HiddenDType.F32, hidden);
    ActivationFrame back = (ActivationFrame) Wire.decode(f.encode());
    assertArrayEquals(hidden, back.hidden());
    assertEquals(5, back.startPosition());
    assertTrue(back.sample());
  }

  @Test
  void bf16ActivationsRoundToNearest() {
    float[] hidden = {1.0f, 1.00390625f, 1.01171875f, -3.0f};
    ActivationFrame f = new ActivationFrame("s", 0, 0, 1, 4, false, HiddenDType.BF16, hidden);
    Buffer frame = f.encode();
    assertEquals(Wire.HEADER_BYTES + 2 + 1 + 16 + 2 + 4 * 2, frame.length());
    float[] back = ((ActivationFrame) Wire.decode(frame)).hidden();
    // 1 + 2^-8 is a tie and rounds to even (1.0); 1 + 3 * 2^-8 rounds up to 1 + 2^-6.
    assertArrayEquals(new float[] {1.0f, 1.0f, 1.015625f, -3.0f}, back);
  }

  @Test
  void tokenEventsCarryLogprobsAndFinish() {
    TokenEvent e =
        new TokenEvent("s", 1, 3, 10, 99, -0.5f, List.of(new TokenEvent.Top(99, -0.5f)), TokenEvent.Finish.LENGTH);
    assertEquals(e, Wire.decode(e.encode()));
    NextToken n = new NextToken("s", 1, 10, 99);
    assertEquals(n, Wire.decode(n.encode()));
    FreeSequence free = new FreeSequence("s");
    assertEquals(free, Wire.decode(free.encode()));
    SequenceError err = new SequenceError("s", 0, SequenceError.Kind.QUEUE_FULL, "w1", "full");
    assertEquals(err, Wire.decode(err.encode()));
  }

  @Test
  void anotherVersionIsRefusedByName() {
    Buffer frame = new FreeSequence("s").encode();
    frame.setUnsignedShortLE(2, 9);
    WireException e = assertThrows(WireException.class, () -> Wire.decode(frame));
    assertTrue(e.getMessage().contains("protocol version 9"), e.getMessage());
  }

  @Test
  void malformedBodiesAreRefusedWithTheField() {
    Buffer truncated = new NextToken("seq", 0, 1, 2).encode();
    Buffer cut = truncated.getBuffer(0, truncated.length() - 2);
    WireException e = assertThrows(WireException.class, () -> Wire.decode(cut));
    assertTrue(e.getMessage().contains("NEXT_TOKEN") && e.getMessage().contains("tokenId"), e.getMessage());

    Buffer trailing = new FreeSequence("s").encode().appendByte((byte) 1);
    assertThrows(WireException.class, () -> Wire.decode(trailing));

    Buffer hugeArray = Buffer.buffer().appendBytes(new FreeSequence("s").encode().getBytes(0, 5));
    hugeArray.setUnsignedByte(4, (short) MessageType.START_SEQUENCE.code());
    hugeArray.appendUnsignedShortLE(1).appendByte((byte) 's').appendIntLE(0).appendUnsignedShortLE(0);
    hugeArray.appendIntLE(Integer.MAX_VALUE);
    e = assertThrows(WireException.class, () -> Wire.decode(hugeArray));
    assertTrue(e.getMessage().contains("promptIds"), e.getMessage());

    assertThrows(WireException.class, () -> Wire.decode(Buffer.buffer("hello world")));
    assertInstanceOf(WireException.class, assertThrows(WireException.class, () -> Wire.decode(Buffer.buffer())));
  }

  @Test
  void aBatchCarriesSeveralMessagesInOrder() {
    ActivationFrame a = new ActivationFrame("a", 0, 7, 1, 2, true, HiddenDType.F32, new float[] {1f, -2f});
    NextToken n = new NextToken("b", 1, 9, 42);
    List<WireMessage> back = Wire.decodeAll(Wire.encodeBatch(List.of(a, n)));
    assertEquals(2, back.size());
    assertArrayEquals(a.hidden(), ((ActivationFrame) back.get(0)).hidden());
    assertEquals(7, ((ActivationFrame) back.get(0)).startPosition());
    assertEquals(n, back.get(1));
    // a plain frame is a batch of one
    assertEquals(List.of(n), Wire.decodeAll(n.encode()));
  }

  @Test
  void malformedBatchesAreRefused() {
    Buffer batch = Wire.encodeBatch(List.of(new NextToken("s", 0, 1, 2), new FreeSequence("s")));
    WireException one = assertThrows(WireException.class, () -> Wire.decode(batch));
    assertTrue(one.getMessage().contains("BATCH"), one.getMessage());

    Buffer cut = batch.getBuffer(0, batch.length() - 1);
    assertThrows(WireException.class, () -> Wire.decodeAll(cut));
    assertThrows(WireException.class, () -> Wire.decodeAll(batch.copy().appendByte((byte) 0)));

    Buffer nested = Buffer.buffer().appendBuffer(batch.getBuffer(0, Wire.HEADER_BYTES)).appendIntLE(1)
        .appendIntLE(batch.length()).appendBuffer(batch);
    WireException e = assertThrows(WireException.class, () -> Wire.decodeAll(nested));
    assertTrue(e.getMessage().contains("itself a BATCH"), e.getMessage());

    Buffer lying = batch.copy();
    lying.setIntLE(Wire.HEADER_BYTES, 1000);
    assertThrows(WireException.class, () -> Wire.decodeAll(lying));
  }
}
