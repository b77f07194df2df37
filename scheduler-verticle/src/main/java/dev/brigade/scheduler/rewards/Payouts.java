package dev.brigade.scheduler.rewards;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a pool among nodes in proportion to their layer-tokens, exactly: the pool in smallest
 * units (10^-18 TFUEL) is divided with floor, and the units left over go one each to the nodes
 * with the largest remainders (ties by node id), so the payouts always sum to the pool.
 */
final class Payouts {
  private Payouts() {}

  /** @param layerTokens node id -> layer-tokens, in the order the result should keep */
  static Map<String, BigDecimal> split(BigDecimal pool, Map<String, Long> layerTokens) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    BigInteger total = BigInteger.ZERO;
    for (long v : layerTokens.values()) total = total.add(BigInteger.valueOf(v));
    if (total.signum() == 0) {
      layerTokens.keySet().forEach(node -> out.put(node, BigDecimal.ZERO));
      return out;
    }
    BigInteger units = pool.movePointRight(RewardsConfig.DECIMALS).toBigIntegerExact();
    record Part(String node, BigInteger floor, BigInteger remainder) {}
    List<Part> parts = new ArrayList<>();
    BigInteger handedOut = BigInteger.ZERO;
    for (Map.Entry<String, Long> e : layerTokens.entrySet()) {
      BigInteger[] qr = units.multiply(BigInteger.valueOf(e.getValue())).divideAndRemainder(total);
      parts.add(new Part(e.getKey(), qr[0], qr[1]));
      handedOut = handedOut.add(qr[0]);
    }
    Map<String, BigInteger> paid = new LinkedHashMap<>();
    parts.forEach(p -> paid.put(p.node(), p.floor()));
    int left = units.subtract(handedOut).intValueExact(); // fewer than the number of nodes
    parts.stream()
        .sorted(Comparator.comparing(Part::remainder).reversed().thenComparing(Part::node))
        .limit(left)
        .forEach(p -> paid.merge(p.node(), BigInteger.ONE, BigInteger::add));
    paid.forEach((node, u) -> out.put(node, new BigDecimal(u, RewardsConfig.DECIMALS).stripTrailingZeros()));
    return out;
  }
}
