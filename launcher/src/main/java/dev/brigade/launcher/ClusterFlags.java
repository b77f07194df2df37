package dev.brigade.launcher;

import dev.brigade.protocol.cluster.ClusterOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags every clustered role shares: how this process joins the Brigade cluster. */
final class ClusterFlags {

  @Option(names = "--join", paramLabel = "HOST:PORT",
      description = "A cluster member to join (repeatable). Default: 127.0.0.1:5701.")
  List<String> join = new ArrayList<>();

  @Option(names = "--host", paramLabel = "H",
      description = "Interface to bind Hazelcast and the event bus to. Default: 127.0.0.1, or --public-host when given.")
  String host;

  @Option(names = "--public-host", paramLabel = "H",
      description = "Address other machines reach this node at.")
  String publicHost;

  @Option(names = "--port", paramLabel = "P", defaultValue = "5701",
      description = "First Hazelcast port to try (the next free one is taken). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--cluster-name", paramLabel = "N", defaultValue = ClusterOptions.DEFAULT_CLUSTER_NAME,
      description = "Hazelcast cluster name; nodes join only a cluster of the same name. Default: ${DEFAULT-VALUE}.")
  String clusterName;

  /** The options for this process; throws naming a bad flag value. */
  ClusterOptions options(String role, String nodeId) {
    String bind = host != null ? host : publicHost != null ? publicHost : ClusterOptions.DEFAULT_HOST;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--port " + port + " is not in 1..65535");
    }
    return new ClusterOptions(clusterName, bind, publicHost, port, join, role, nodeId);
  }
}
