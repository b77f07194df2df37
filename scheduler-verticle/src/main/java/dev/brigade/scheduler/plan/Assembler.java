package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.NodeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the nodes of one complete pipeline from a pool, greedily: start from the largest node
 * (fewest stages), and as soon as one node can close the remaining gap, take the smallest
 * such node (saving big nodes for other pipelines); otherwise add the next largest. Each
 * pipeline costs O(stages * log n).
 */
final class Assembler {
  private final Capacity capacity;
  private final int maxStages;
  private final boolean closeWithSmallest;

  /**
   * @param closeWithSmallest false gives plain next-fit-decreasing (always the next largest
   *     node), which the allocator tries too so it never does worse than that
   */
  Assembler(Capacity capacity, int maxStages, boolean closeWithSmallest) {
    this.capacity = capacity;
    this.maxStages = maxStages;
    this.closeWithSmallest = closeWithSmallest;
  }

  /** Pipelines' node sets, taken out of the pool until it cannot complete another one. */
  List<List<NodeSpec>> assembleAll(NodePool pool) {
    List<List<NodeSpec>> sets = new ArrayList<>();
    List<NodeSpec> members;
    while ((members = assembleOne(pool)) != null) sets.add(members);
    return sets;
  }

  /** One pipeline's nodes removed from the pool, or null (pool unchanged) if none can be made. */
  List<NodeSpec> assembleOne(NodePool pool) {
    int total = capacity.shape().numLayers();
    if (pool.middleLayers() < total) return null;
    List<NodeSpec> members = new ArrayList<>();
    NodeSpec first = pool.largest();
    take(pool, members, first);
    while (true) {
      int covered = covered(members);
      if (covered >= total) return members;
      if (members.size() >= maxStages) break;
      long required;
      if (members.size() == 1) {
        int headLayers = capacity.layers(first, Role.HEAD);
        if (headLayers == 0) break;
        // The tail holds at least one layer besides lm_head.
        required = capacity.requiredBytes(Math.max(1, total - headLayers), Role.TAIL);
      } else {
        required = capacity.requiredBytes(total - covered, Role.MIDDLE);
      }
      NodeSpec closer = closeWithSmallest ? pool.smallestAtLeast(required) : null;
      if (closer != null) {
        take(pool, members, closer);
        continue;
      }
      NodeSpec next = pool.largest();
      if (next == null) break;
      take(pool, members, next);
    }
    for (NodeSpec n : members) pool.add(n);
    return null;
  }

  private static void take(NodePool pool, List<NodeSpec> members, NodeSpec node) {
    pool.remove(node);
    members.add(node);
  }

  /**
   * Layers these nodes can cover with the largest as head and the second largest as tail
   * (members are added in descending memory order, so that is members 0 and 1).
   */
  int covered(List<NodeSpec> members) {
    if (members.size() == 1) return capacity.layers(members.getFirst(), Role.SOLE);
    int sum = capacity.layers(members.get(0), Role.HEAD) + capacity.layers(members.get(1), Role.TAIL);
    for (int i = 2; i < members.size(); i++) sum += capacity.layers(members.get(i), Role.MIDDLE);
    return sum;
  }
}
