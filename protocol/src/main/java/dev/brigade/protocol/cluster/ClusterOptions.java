package dev.brigade.protocol.cluster;

import java.util.List;

/**
 * How one process (or one in-JVM test node) joins the Brigade cluster.
 *
 * @param clusterName Hazelcast cluster name; tests use one unique per run
 * @param host the interface Hazelcast and the event bus bind to (127.0.0.1 by default)
 * @param publicHost the address other nodes dial (defaults to host)
 * @param port first Hazelcast port tried (auto-increment from there)
 * @param members cluster members to join, as HOST:PORT (empty: just this host's first port)
 * @param role this node's role ("scheduler", "worker", "gateway"), a member attribute
 * @param nodeId this node's Brigade id, a member attribute others map membership events with
 */
public record ClusterOptions(
    String clusterName,
    String host,
    String publicHost,
    int port,
    List<String> members,
    String role,
    String nodeId) {

  public static final String DEFAULT_CLUSTER_NAME = "brigade";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;

  /** Member attribute names. */
  public static final String ATTR_ROLE = "brigade.role";
  public static final String ATTR_NODE_ID = "brigade.nodeId";
  /** A worker's compute backend ("cpu", "cuda") and device, for Management Center. */
  public static final String ATTR_BACKEND = "brigade.backend";
  public static final String ATTR_DEVICE = "brigade.device";

  public ClusterOptions {
    if (clusterName == null || clusterName.isBlank()) {
      clusterName = DEFAULT_CLUSTER_NAME;
    }
    if (host == null || host.isBlank()) {
      host = DEFAULT_HOST;
    }
    if (publicHost == null || publicHost.isBlank()) {
      publicHost = host;
    }
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("cluster port " + port + " is not in 1..65535");
    }
    members = members == null ? List.of() : List.copyOf(members);
    for (String m : members) {
      JoinAddress.parse(m);
    }
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("cluster role must be given");
    }
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException("node id must be given");
    }
  }

  /** Loopback defaults for a role and node id. */
  public static ClusterOptions local(String role, String nodeId) {
    return new ClusterOptions(DEFAULT_CLUSTER_NAME, DEFAULT_HOST, null, DEFAULT_PORT, List.of(), role, nodeId);
  }

  public ClusterOptions withClusterName(String name) {
    return new ClusterOptions(name, host, publicHost, port, members, role, nodeId);
  }

  public ClusterOptions withMembers(List<String> joinMembers) {
    return new ClusterOptions(clusterName, host, publicHost, port, joinMembers, role, nodeId);
  }

  public ClusterOptions withPort(int firstPort) {
    return new ClusterOptions(clusterName, host, publicHost, firstPort, members, role, nodeId);
  }

  public ClusterOptions withHost(String bindHost, String advertisedHost) {
    return new ClusterOptions(clusterName, bindHost, advertisedHost, port, members, role, nodeId);
  }
}
