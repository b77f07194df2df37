package dev.brigade.scheduler;

import dev.brigade.protocol.MapNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

/**
 * One active scheduler per cluster. The leader's claim is an entry in {@code
 * brigade.scheduler.leader} naming its scheduler id and Vert.x cluster node. A claim counts as
 * long as that node is a cluster member, so no clocks are compared across machines: when the
 * leader's JVM dies, Hazelcast drops the member and a standby replaces the claim with an atomic
 * compare-and-set. A standby retries on every member-left event and on a slow timer.
 */
final class Leadership {
  static final String KEY = "active";

  private final AsyncMap<String, String> map;
  private final ClusterMembership membership;
  private final String claim;

  private Leadership(AsyncMap<String, String> map, ClusterMembership membership, String claim) {
    this.map = map;
    this.membership = membership;
    this.claim = claim;
  }

  static Future<Leadership> open(Vertx vertx, ClusterMembership membership, String schedulerId) {
    String claim = new JsonObject()
        .put("schedulerId", schedulerId)
        .put("clusterMemberId", ClusterMembership.localNodeId(vertx))
        .encode();
    return vertx.sharedData().<String, String>getClusterWideMap(MapNames.SCHEDULER_LEADER)
        .map(map -> new Leadership(map, membership, claim));
  }

  /** Tries to become (or confirms being) the leader; true when this scheduler leads. */
  Future<Boolean> tryAcquire() {
    return map.get(KEY).compose(current -> {
      if (current == null) {
        return map.putIfAbsent(KEY, claim).map(previous -> previous == null);
      }
      if (current.equals(claim)) {
        return Future.succeededFuture(true);
      }
      String holderNode = new JsonObject(current).getString("clusterMemberId");
      if (membership.isMember(holderNode)) {
        return Future.succeededFuture(false);
      }
      return map.replaceIfPresent(KEY, current, claim);
    });
  }

  /** Gives the claim up (on a clean stop) so a standby takes over at once. */
  Future<Void> release() {
    return map.removeIfPresent(KEY, claim).mapEmpty();
  }
}
