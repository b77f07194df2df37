package dev.brigade.scheduler;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Hazelcast membership seen as Vert.x cluster node ids. A killed JVM leaves the member list in
 * about a second, far sooner than a missed-heartbeat timeout, so the scheduler listens here for
 * fast failure detection. Events are delivered on the owning verticle's context.
 *
 * <p>We add our own Hazelcast listener rather than the cluster manager's single node listener,
 * which Vert.x itself uses.
 */
final class ClusterMembership implements AutoCloseable {
  /** The member attribute where vertx-hazelcast keeps the Vert.x node id. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final UUID registration;

  private ClusterMembership(HazelcastInstance hazelcast, Context context, Consumer<String> onLeft) {
    this.hazelcast = hazelcast;
    this.registration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        String id = vertxNodeId(event.getMember());
        context.runOnContext(v -> onLeft.accept(id));
      }
    });
  }

  /** Watches members leaving; {@code onLeft} gets the departed node's Vert.x cluster id. */
  static ClusterMembership watch(Vertx vertx, Context context, Consumer<String> onLeft) {
    return new ClusterMembership(hazelcast(vertx), context, onLeft);
  }

  /** The Vert.x cluster node id of this JVM's Vert.x instance. */
  static String localNodeId(Vertx vertx) {
    return clusterManager(vertx).getNodeId();
  }

  /** The Vert.x cluster node ids of every current member. */
  Set<String> members() {
    Set<String> ids = new HashSet<>();
    hazelcast.getCluster().getMembers().forEach(m -> ids.add(vertxNodeId(m)));
    return ids;
  }

  boolean isMember(String vertxNodeId) {
    return vertxNodeId != null && members().contains(vertxNodeId);
  }

  @Override
  public void close() {
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getCluster().removeMembershipListener(registration);
    }
  }

  private static String vertxNodeId(Member m) {
    String id = m.getAttribute(VERTX_NODE_ID);
    return id != null ? id : m.getUuid().toString();
  }

  private static HazelcastClusterManager clusterManager(Vertx vertx) {
    if (vertx instanceof VertxInternal vi && vi.clusterManager() instanceof HazelcastClusterManager hz) {
      return hz;
    }
    throw new IllegalStateException("the scheduler needs a Vert.x clustered with Hazelcast");
  }

  private static HazelcastInstance hazelcast(Vertx vertx) {
    return clusterManager(vertx).getHazelcastInstance();
  }
}
