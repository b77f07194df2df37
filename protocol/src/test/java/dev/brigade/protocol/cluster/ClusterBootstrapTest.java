package dev.brigade.protocol.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClusterBootstrapTest {

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /**
   * A worker started before the member it joins is up (as happens when processes start
   * together) must not stay in a cluster of its own: it retries until that member answers.
   */
  @Test
  void aNodeStartedBeforeTheMemberItJoinsKeepsTryingUntilItIsThere() throws Exception {
    String cluster = "bootstrap-late-" + UUID.randomUUID();
    int firstPort = 20000 + ThreadLocalRandom.current().nextInt(20000);
    ClusterOptions early = ClusterOptions.local("worker", "early").withClusterName(cluster)
        .withPort(firstPort + 50).withMembers(List.of("127.0.0.1:" + firstPort));
    Future<Vertx> joining = ClusterBootstrap.start(early);
    Thread.sleep(3000); // the joiner has given up once and formed (then left) a lone cluster
    Vertx first = await(ClusterBootstrap.start(
        ClusterOptions.local("scheduler", "first").withClusterName(cluster).withPort(firstPort)));
    Vertx joined = null;
    try {
      joined = await(joining);
      assertEquals(2, ClusterBootstrap.hazelcast(joined).getCluster().getMembers().size());
    } finally {
      if (joined != null) await(joined.close());
      await(first.close());
    }
  }

  @Test
  void twoNodesJoinWithAttributesAndTalkOnTheEventBus() throws Exception {
    String cluster = "bootstrap-" + UUID.randomUUID();
    ClusterOptions a = ClusterOptions.local("scheduler", "node-a").withClusterName(cluster).withPort(5701);
    Vertx va = await(ClusterBootstrap.start(a));
    Vertx vb = null;
    try {
      int portA = ClusterBootstrap.hazelcast(va).getCluster().getLocalMember().getAddress().getPort();
      ClusterOptions b =
          ClusterOptions.local("worker", "node-b")
              .withClusterName(cluster)
              .withPort(portA + 1)
              .withMembers(List.of("127.0.0.1:" + portA));
      vb = await(ClusterBootstrap.start(b));

      Set<Member> members = ClusterBootstrap.hazelcast(va).getCluster().getMembers();
      Set<String> ids = members.stream().map(ClusterBootstrap::nodeIdOf).collect(Collectors.toSet());
      assertEquals(Set.of("node-a", "node-b"), ids);
      assertTrue(members.stream().anyMatch(m -> "worker".equals(m.getAttribute(ClusterOptions.ATTR_ROLE))));

      vb.eventBus().<Buffer>consumer("echo", m -> m.reply(m.body().appendString("!")));
      Buffer reply = null;
      for (int i = 0; i < 50 && reply == null; i++) {
        try {
          reply = await(va.eventBus().<Buffer>request("echo", Buffer.buffer("hi"))).body();
        } catch (Exception notYetRegistered) {
          Thread.sleep(100);
        }
      }
      assertEquals("hi!", reply == null ? null : reply.toString());
    } finally {
      if (vb != null) {
        await(vb.close());
      }
      await(va.close());
    }
  }

  @Test
  void badJoinAddressesAreNamed() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> ClusterOptions.local("worker", "n").withMembers(List.of("host-without-port")));
    assertTrue(e.getMessage().contains("host-without-port"));
  }

  @Test
  void managementCenterSeesNamedMembersWithMetricsOn() throws Exception {
    String cluster = "mc-" + UUID.randomUUID();
    ClusterOptions options = ClusterOptions.local("worker", "worker-7").withClusterName(cluster).withPort(5701);
    com.hazelcast.config.Config config = ClusterBootstrap.hazelcastConfig(options);
    assertEquals(cluster, config.getClusterName());
    assertEquals("brigade-worker-7", config.getInstanceName());
    assertTrue(config.getMetricsConfig().isEnabled(), "metrics on");
    assertTrue(config.getMetricsConfig().getManagementCenterConfig().isEnabled(), "metrics sent to Management Center");
    assertEquals("brigade-gateway-g1", ClusterBootstrap.instanceName(ClusterOptions.local("gateway", "g1")));

    Vertx v = await(ClusterBootstrap.start(options, java.util.Map.of(
        ClusterOptions.ATTR_BACKEND, "cpu", ClusterOptions.ATTR_DEVICE, "2 CPU cores")));
    try {
      com.hazelcast.core.HazelcastInstance hz = ClusterBootstrap.hazelcast(v);
      assertEquals("brigade-worker-7", hz.getName());
      Member self = hz.getCluster().getLocalMember();
      assertEquals("worker", self.getAttribute(ClusterOptions.ATTR_ROLE));
      assertEquals("worker-7", self.getAttribute(ClusterOptions.ATTR_NODE_ID));
      assertEquals("cpu", self.getAttribute(ClusterOptions.ATTR_BACKEND));
      assertEquals("2 CPU cores", self.getAttribute(ClusterOptions.ATTR_DEVICE));
      // a second instance of the same node id in this JVM (tests) gets a distinct name
      assertEquals("brigade-worker-7-2", ClusterBootstrap.instanceName(options));
    } finally {
      await(v.close());
    }
  }
}
