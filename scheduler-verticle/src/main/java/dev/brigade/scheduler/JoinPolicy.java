package dev.brigade.scheduler;

import dev.brigade.protocol.ProtocolVersion;
import dev.brigade.protocol.control.Register;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * Who may join: a worker must speak this protocol version and present the cluster's join token
 * (when the scheduler was given one). A refusal names the problem but never echoes a token.
 */
record JoinPolicy(String joinToken) {

  /** Null when {@code r} may join, else the reason it may not. */
  String refusal(Register r) {
    if (r.protocolVersion() != ProtocolVersion.CURRENT) {
      return "worker speaks protocol version " + r.protocolVersion()
          + " but this scheduler speaks version " + ProtocolVersion.CURRENT;
    }
    if (joinToken != null && !joinToken.isEmpty()) {
      if (r.joinToken() == null || r.joinToken().isEmpty()) {
        return "this cluster requires a join token; start the worker with --token";
      }
      if (!sameToken(joinToken, r.joinToken())) {
        return "join token does not match this cluster's (check --token)";
      }
    }
    if (r.nodeId() == null || r.nodeId().isBlank()) {
      return "node id is empty";
    }
    if (r.clusterMemberId() == null || r.clusterMemberId().isBlank()) {
      return "node " + r.nodeId() + " did not say which cluster member it is";
    }
    if (r.memoryBytes() <= 0) {
      return "node " + r.nodeId() + " offers no memory (" + r.memoryBytes() + " bytes)";
    }
    if (!(r.layerSeconds() > 0) || Double.isInfinite(r.layerSeconds())) {
      return "node " + r.nodeId() + " reported no usable speed (layerSeconds=" + r.layerSeconds() + ")";
    }
    return null;
  }

  /** Constant-time comparison, so response timing says nothing about the token. */
  private static boolean sameToken(String expected, String given) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
