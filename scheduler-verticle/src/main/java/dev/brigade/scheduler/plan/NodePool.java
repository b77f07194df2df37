package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.NodeSpec;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * Nodes ordered by memory, so "the largest" and "the smallest with at least X bytes" are
 * O(log n). Among nodes of equal memory both look-ups return the fastest. Keeps the sum of
 * middle-stage layer capacity for a quick "could these ever make a pipeline" check.
 */
final class NodePool {
  static final Comparator<NodeSpec> ORDER =
      Comparator.comparingLong(NodeSpec::memoryBytes)
          .thenComparingDouble(NodeSpec::layerSeconds)
          .thenComparing(NodeSpec::nodeId);

  private final TreeSet<NodeSpec> nodes = new TreeSet<>(ORDER);
  private final Capacity capacity;
  private long middleLayers;

  NodePool(Capacity capacity) {
    this.capacity = capacity;
  }

  void add(NodeSpec node) {
    if (nodes.add(node)) middleLayers += capacity.layers(node, Role.MIDDLE);
  }

  boolean remove(NodeSpec node) {
    boolean removed = nodes.remove(node);
    if (removed) middleLayers -= capacity.layers(node, Role.MIDDLE);
    return removed;
  }

  int size() {
    return nodes.size();
  }

  boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** Sum of layers every node could host as a middle stage: an upper bound on what they cover. */
  long middleLayers() {
    return middleLayers;
  }

  /** The fastest node with the most memory, or null. */
  NodeSpec largest() {
    if (nodes.isEmpty()) return null;
    return smallestAtLeast(nodes.last().memoryBytes());
  }

  /** The fastest node among those with the least memory that is still >= bytes, or null. */
  NodeSpec smallestAtLeast(long bytes) {
    return nodes.ceiling(probe(bytes));
  }

  /** Nodes in ascending memory order starting at the first with >= bytes. */
  Iterable<NodeSpec> atLeast(long bytes) {
    return nodes.tailSet(probe(bytes), true);
  }

  Iterable<NodeSpec> all() {
    return nodes;
  }

  private static NodeSpec probe(long bytes) {
    // Sorts before every real node of this memory: fastest possible, smallest id.
    return NodeSpec.of("\u0000", bytes, Double.MIN_VALUE);
  }
}
