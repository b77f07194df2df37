package dev.brigade.protocol.testing;

import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Several clustered Vert.x instances in this JVM, on a cluster name of their own and a random
 * port range (so concurrent builds on one machine never join each other). Each new member is
 * told the addresses of the members already started. Shared by the modules' cluster tests
 * through this module's test jar.
 */
public final class LocalCluster implements AutoCloseable {
  private final String name = "brigade-test-" + UUID.randomUUID();
  private final int basePort = ThreadLocalRandom.current().nextInt(20_000, 60_000);
  private final List<String> addresses = new ArrayList<>();
  private final List<Vertx> started = new ArrayList<>();

  public String name() {
    return name;
  }

  /** HOST:PORT of every member started so far (for --join of processes). */
  public List<String> addresses() {
    return List.copyOf(addresses);
  }

  public Vertx start(String role, String nodeId) throws Exception {
    List<String> members = new ArrayList<>(addresses);
    if (members.isEmpty()) {
      members.add("127.0.0.1:" + basePort);
    }
    ClusterOptions options = ClusterOptions.local(role, nodeId)
        .withClusterName(name)
        .withPort(basePort + started.size() * 3)
        .withMembers(members);
    Vertx vertx = await(ClusterBootstrap.start(options));
    int port = ClusterBootstrap.hazelcast(vertx).getCluster().getLocalMember().getAddress().getPort();
    addresses.add("127.0.0.1:" + port);
    started.add(vertx);
    return vertx;
  }

  /** Closes one member as a clean shutdown would. */
  public void stop(Vertx vertx) throws Exception {
    started.remove(vertx);
    await(vertx.close());
  }

  @Override
  public void close() throws Exception {
    for (Vertx v : List.copyOf(started).reversed()) {
      try {
        await(v.close());
      } catch (Exception ignored) {
        // keep closing the others
      }
    }
    started.clear();
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Polls {@code condition} until it holds; fails after a generous bound (never a timing assertion). */
  public static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for: " + what);
      }
      Thread.sleep(50);
    }
  }
}
