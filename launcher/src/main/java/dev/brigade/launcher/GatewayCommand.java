package dev.brigade.launcher;

import dev.brigade.gateway.GatewayOptions;
import dev.brigade.gateway.GatewayVerticle;
import dev.brigade.gateway.api.ApiKeys;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade gateway}: the OpenAI-compatible endpoint (HTTP + SSE, WebSocket, gRPC) of a
 * cluster. It needs no model files: tokenizer, template and config come from the model card the
 * scheduler publishes (or from --model DIR).
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Serve the cluster's model over an OpenAI-compatible HTTP API, WebSocket and gRPC.")
public final class GatewayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--grpc-port", paramLabel = "G", defaultValue = "9090", description = "gRPC port (default ${DEFAULT-VALUE}; -1 turns gRPC off).")
  int grpcPort;

  @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
      description = "Address HTTP and gRPC listen on (default ${DEFAULT-VALUE}); any other than loopback needs --api-keys or --insecure.")
  String host;

  @Option(names = "--api-keys", paramLabel = "FILE", description = "File with one API key per line; requests must send Authorization: Bearer KEY.")
  Path apiKeys;

  @Option(names = "--insecure", description = "Allow a non-loopback --host without API keys.")
  boolean insecure;

  @Option(names = "--model", paramLabel = "DIR", description = "Take tokenizer and config from this checkpoint folder instead of the cluster's model card.")
  Path model;

  @Option(names = "--id", paramLabel = "ID", description = "This gateway's name. Default: gateway-<pid>.")
  String id;

  @Option(names = "--join", paramLabel = "HOST:PORT", description = "A cluster member to join (repeatable). Default: 127.0.0.1:5701.")
  List<String> join = new ArrayList<>();

  @Option(names = "--cluster-host", paramLabel = "H", description = "Interface for Hazelcast and the event bus. Default: --public-host, else 127.0.0.1.")
  String clusterHost;

  @Option(names = "--public-host", paramLabel = "H", description = "Address other cluster members reach this node at.")
  String publicHost;

  @Option(names = "--cluster-port", paramLabel = "P", defaultValue = "5701", description = "First Hazelcast port to try (default ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--cluster-name", paramLabel = "N", defaultValue = ClusterOptions.DEFAULT_CLUSTER_NAME, description = "Hazelcast cluster name (default ${DEFAULT-VALUE}).")
  String clusterName;

  @Override
  public Integer call() throws Exception {
    String nodeId = id != null ? id : "gateway-" + ProcessHandle.current().pid();
    Set<String> keys = apiKeys == null ? Set.of() : ApiKeys.load(apiKeys);
    GatewayOptions options = new GatewayOptions(nodeId, host, port, grpcPort, keys, insecure, model,
        GatewayOptions.DEFAULT_MAX_BODY_BYTES, GatewayOptions.DEFAULT_MAX_IN_FLIGHT);
    String bind = clusterHost != null ? clusterHost : publicHost != null ? publicHost : ClusterOptions.DEFAULT_HOST;
    ClusterOptions cluster = new ClusterOptions(clusterName, bind, publicHost, clusterPort, join, "gateway", nodeId);
    Vertx vertx = Serving.await(ClusterBootstrap.start(cluster));
    GatewayVerticle gateway = new GatewayVerticle(options);
    try {
      Serving.await(vertx.deployVerticle(gateway));
    } catch (Exception e) {
      Serving.closeQuietly(vertx);
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("gateway " + nodeId + " serving http://" + host + ":" + gateway.httpPort()
        + (gateway.grpcPort() >= 0 ? " (gRPC on port " + gateway.grpcPort() + ")" : "")
        + (keys.isEmpty() ? "" : ", " + keys.size() + " API key(s)"));
    out.println(model != null ? "model from " + model : "model: from the scheduler's model card (requests get 503 until it is published)");
    out.flush();
    Serving.untilKilled(vertx);
    return 0;
  }
}
