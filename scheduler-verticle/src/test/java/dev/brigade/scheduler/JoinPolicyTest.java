package dev.brigade.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.protocol.ProtocolVersion;
import dev.brigade.protocol.control.Register;
import org.junit.jupiter.api.Test;

class JoinPolicyTest {
  private static Register reg(int version, String token, long memory, double seconds) {
    return new Register(version, token, "w1", "member-1", memory, seconds, "cpu", "test");
  }

  @Test
  void admitsTheRightTokenAndVersion() {
    assertNull(new JoinPolicy("t").refusal(reg(ProtocolVersion.CURRENT, "t", 1, 0.1)));
    assertNull(new JoinPolicy(null).refusal(reg(ProtocolVersion.CURRENT, null, 1, 0.1)), "an open cluster");
  }

  @Test
  void refusalsNameTheProblem() {
    JoinPolicy p = new JoinPolicy("secret");
    String version = p.refusal(reg(7, "secret", 1, 0.1));
    assertTrue(version.contains("version 7") && version.contains("version " + ProtocolVersion.CURRENT), version);
    assertTrue(p.refusal(reg(ProtocolVersion.CURRENT, "nope", 1, 0.1)).contains("join token"));
    assertTrue(p.refusal(reg(ProtocolVersion.CURRENT, null, 1, 0.1)).contains("--token"));
    assertTrue(p.refusal(reg(ProtocolVersion.CURRENT, "secret", 0, 0.1)).contains("no memory"));
    assertTrue(p.refusal(reg(ProtocolVersion.CURRENT, "secret", 1, Double.NaN)).contains("speed"));
    assertEquals(false, p.refusal(reg(ProtocolVersion.CURRENT, "nope", 1, 0.1)).contains("secret"));
  }
}
