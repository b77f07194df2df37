package dev.brigade.protocol.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a clustered Vert.x on Hazelcast from the project's {@code cluster.xml} (a classpath
 * resource of this module; the file at the repository root is its one source), with the
 * command line's interface, member list, cluster name and member attributes applied on top.
 */
public final class ClusterBootstrap {
  private ClusterBootstrap() {}

  public static Future<Vertx> start(ClusterOptions options) {
    return start(options, new VertxOptions());
  }

  public static Future<Vertx> start(ClusterOptions options, VertxOptions vertxOptions) {
    Config config = hazelcastConfig(options);
    EventBusOptions eb =
        new EventBusOptions(vertxOptions.getEventBusOptions())
            .setHost(options.host())
            .setClusterPublicHost(options.publicHost());
    VertxOptions vo = new VertxOptions(vertxOptions).setEventBusOptions(eb);
    return Vertx.builder()
        .with(vo)
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered();
  }

  /** The Hazelcast config for these options: cluster.xml plus the overrides. */
  public static Config hazelcastConfig(ClusterOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.clusterName());
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
