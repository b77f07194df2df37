package dev.brigade.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Set;

/**
 * How a gateway listens and protects itself. Validated once, at construction.
 *
 * @param grpcPort 0 picks a free port; -1 turns gRPC off
 * @param apiKeys accepted bearer keys; empty means no authentication
 * @param insecure allow a non-loopback host without API keys
 * @param modelDir serve this local checkpoint's tokenizer and config instead of waiting for the
 *     scheduler's model card; null to use the card
 * @param maxBodyBytes larger request bodies get 413
 * @param maxInFlight requests running or queued at once before new ones get 429
 */
public record GatewayOptions(
    String gatewayId,
    String host,
    int port,
    int grpcPort,
    Set<String> apiKeys,
    boolean insecure,
    Path modelDir,
    long maxBodyBytes,
    int maxInFlight) {

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_GRPC_PORT = 9090;
  public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  public GatewayOptions {
    if (gatewayId == null || gatewayId.isBlank()) throw new IllegalArgumentException("gateway id must be given");
    if (host == null || host.isBlank()) host = "127.0.0.1";
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--port " + port + " is not in 0..65535");
    if (grpcPort < -1 || grpcPort > 65535) {
      throw new IllegalArgumentException("--grpc-port " + grpcPort + " is not in 0..65535 (or -1 for off)");
    }
    apiKeys = apiKeys == null ? Set.of() : Set.copyOf(apiKeys);
    if (maxBodyBytes < 1024) throw new IllegalArgumentException("max body bytes " + maxBodyBytes + " is below 1024");
    if (maxInFlight < 1) throw new IllegalArgumentException("max in-flight requests " + maxInFlight + " is below 1");
    if (apiKeys.isEmpty() && !insecure && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "refusing to listen on " + host + " without API keys: give --api-keys FILE, or --insecure to allow it");
    }
  }

  /** Loopback defaults for tests and the demo: no keys, free ports where 0 is given. */
  public static GatewayOptions local(String gatewayId, int port, int grpcPort) {
    return new GatewayOptions(
        gatewayId, "127.0.0.1", port, grpcPort, Set.of(), false, null, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IN_FLIGHT);
  }

  public GatewayOptions withApiKeys(Set<String> keys) {
    return new GatewayOptions(gatewayId, host, port, grpcPort, keys, insecure, modelDir, maxBodyBytes, maxInFlight);
  }

  public GatewayOptions withLimits(long bodyBytes, int inFlight) {
    return new GatewayOptions(gatewayId, host, port, grpcPort, apiKeys, insecure, modelDir, bodyBytes, inFlight);
  }

  static boolean isLoopback(String host) {
    if (host.equals("localhost")) return true;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--host " + host + " is not a known address");
    }
  }
}
