package dev.brigade.protocol.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a clustered Vert.x on Hazelcast from the project's {@code cluster.xml} (a classpath
 * resource of this module; the file at the repository root is its one source), with the
 * command line's interface, member list, cluster name and member attributes applied on top.
 */
public final class ClusterBootstrap {
  /** How long a node keeps trying to reach the members it was told to join. */
  static final Duration JOIN_PATIENCE = Duration.ofSeconds(90);

  private static final Duration JOIN_RETRY = Duration.ofSeconds(2);

  private ClusterBootstrap() {}

  public static Future<Vertx> start(ClusterOptions options) {
    return start(options, new VertxOptions());
  }

  /**
   * Starts with extra member attributes (a worker's {@link ClusterOptions#ATTR_BACKEND} and
   * {@link ClusterOptions#ATTR_DEVICE}), shown per member in Management Center.
   */
  public static Future<Vertx> start(ClusterOptions options, Map<String, String> attributes) {
    return start(options, attributes, new VertxOptions());
  }

  /** Starts with extra member attributes and Vert.x options of the caller's choosing. */
  public static Future<Vertx> start(ClusterOptions options, Map<String, String> attributes, VertxOptions vertxOptions) {
    Config config = hazelcastConfig(options);
    attributes.forEach((k, v) -> {
      if (v != null) config.getMemberAttributeConfig().setAttribute(k, v);
    });
    return start(config, options, vertxOptions);
  }

  public static Future<Vertx> start(ClusterOptions options, VertxOptions vertxOptions) {
    return start(hazelcastConfig(options), options, vertxOptions);
  }

  private static Future<Vertx> start(Config config, ClusterOptions options, VertxOptions vertxOptions) {
    EventBusOptions eb =
        new EventBusOptions(vertxOptions.getEventBusOptions())
            .setHost(options.host())
            .setClusterPublicHost(options.publicHost());
    VertxOptions vo = new VertxOptions(vertxOptions).setEventBusOptions(eb);
    long deadline = System.nanoTime() + JOIN_PATIENCE.toNanos();
    Promise<Vertx> joined = Promise.promise();
    attempt(config, options, vo, deadline, joined);
    return joined.future();
  }

  /**
   * Hazelcast gives up on a TCP-IP join after its connection timeout and then starts a cluster
   * of its own. A node that named members to join (--join) but finds itself alone reached none
   * of them (say the first member is still starting): it leaves its lone cluster and tries
   * again until {@link #JOIN_PATIENCE} is spent, then fails naming the members it tried.
   */
  private static void attempt(Config config, ClusterOptions options, VertxOptions vo, long deadline,
      Promise<Vertx> joined) {
    Vertx.builder().with(vo).withClusterManager(new HazelcastClusterManager(config)).buildClustered()
        .onFailure(joined::fail)
        .onSuccess(vertx -> {
          if (!isAloneAgainstWishes(vertx, options)) {
            joined.complete(vertx);
            return;
          }
          vertx.close().onComplete(closed -> {
            if (System.nanoTime() > deadline) {
              joined.fail("no cluster member answered at " + String.join(", ", options.members())
                  + " within " + JOIN_PATIENCE.toSeconds() + " s");
            } else {
              CompletableFuture.delayedExecutor(JOIN_RETRY.toMillis(), TimeUnit.MILLISECONDS)
                  .execute(() -> attempt(config, options, vo, deadline, joined));
            }
          });
        });
  }

  /** True when --join named other members and this node still formed a cluster of one. */
  private static boolean isAloneAgainstWishes(Vertx vertx, ClusterOptions options) {
    if (options.members().isEmpty()) {
      return false;
    }
    HazelcastInstance hz = hazelcast(vertx);
    if (hz.getCluster().getMembers().size() > 1) {
      return false;
    }
    Address self = hz.getCluster().getLocalMember().getAddress();
    for (String m : options.members()) {
      JoinAddress a = JoinAddress.parse(m);
      if (a.port() == self.getPort() && (a.host().equals(self.getHost()) || a.host().equals(options.publicHost()))) {
        return false; // it was asked to join itself: it is the first member
      }
    }
    return true;
  }

  /** The Hazelcast config for these options: cluster.xml plus the overrides. */
  public static Config hazelcastConfig(ClusterOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.clusterName());
    config.setInstanceName(instanceName(options));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.port()).setPortAutoIncrement(true);
    network.setPublicAddress(options.publicHost());
    network.getInterfaces().setEnabled(true).clear().addInterface(options.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>();
    if (options.members().isEmpty()) {
      members.add(options.host() + ":" + ClusterOptions.DEFAULT_PORT);
    } else {
      for (String m : options.members()) {
        members.add(JoinAddress.parse(m).toString());
      }
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    config.getMemberAttributeConfig().setAttribute(ClusterOptions.ATTR_ROLE, options.role());
    config.getMemberAttributeConfig().setAttribute(ClusterOptions.ATTR_NODE_ID, options.nodeId());
    return config;
  }

  /**
   * brigade-ROLE-NODEID (the node id alone when it already starts with the role), as Management
   * Center lists members; a second instance of the same name in this JVM (tests) gets a suffix.
   */
  static String instanceName(ClusterOptions options) {
    String id = options.nodeId().startsWith(options.role()) ? options.nodeId() : options.role() + "-" + options.nodeId();
    String name = "brigade-" + id;
    String unique = name;
    for (int i = 2; Hazelcast.getHazelcastInstanceByName(unique) != null; i++) unique = name + "-" + i;
    return unique;
  }

  /** The Hazelcast instance behind a Vert.x started by {@link #start}. */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    if (vertx instanceof VertxInternal internal
        && internal.clusterManager() instanceof HazelcastClusterManager hz) {
      return hz.getHazelcastInstance();
    }
    throw new IllegalStateException("this Vert.x is not clustered on Hazelcast");
  }

  /** The Brigade node id a Hazelcast member announced, or null. */
  public static String nodeIdOf(Member member) {
    return member.getAttribute(ClusterOptions.ATTR_NODE_ID);
  }
}
