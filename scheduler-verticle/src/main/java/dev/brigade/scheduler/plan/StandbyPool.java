package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.NodeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Standby nodes, indexed by memory fleet-wide and per region (O(log n) per look-up), and
 * separately the ones fast enough to seed a new pipeline ({@link #formable}).
 */
final class StandbyPool {
  private final Capacity capacity;
  private final double maxLayerSeconds;
  private final NodePool all;
  private final NodePool formable;
  private final Map<String, NodePool> allByRegion = new HashMap<>();
  private final Map<String, NodePool> formableByRegion = new HashMap<>();

  /** @param maxLayerSeconds nodes slower than this per layer never seed a pipeline */
  StandbyPool(Capacity capacity, double maxLayerSeconds) {
    this.capacity = capacity;
    this.maxLayerSeconds = maxLayerSeconds;
    this.all = new NodePool(capacity);
    this.formable = new NodePool(capacity);
  }

  boolean formable(NodeSpec n) {
    return n.layerSeconds() <= maxLayerSeconds;
  }

  void add(NodeSpec n) {
    all.add(n);
    region(allByRegion, n.region()).add(n);
    if (formable(n)) {
      formable.add(n);
      region(formableByRegion, n.region()).add(n);
    }
  }

  void remove(NodeSpec n) {
    all.remove(n);
    NodePool r = allByRegion.get(n.region());
    if (r != null) r.remove(n);
    if (formable.remove(n)) {
      NodePool f = formableByRegion.get(n.region());
      if (f != null) f.remove(n);
    }
  }

  int size() {
    return all.size();
  }

  NodePool all() {
    return all;
  }

  NodePool formable() {
    return formable;
  }

  NodePool allIn(String region) {
    return region(allByRegion, region);
  }

  NodePool formableIn(String region) {
    return region(formableByRegion, region);
  }

  /** Up to {@code limit} nodes with at least {@code bytes}, the region's first, smallest first. */
  List<NodeSpec> candidates(long bytes, String region, int limit) {
    List<NodeSpec> out = new ArrayList<>(limit);
    for (NodeSpec n : allIn(region).atLeast(bytes)) {
      if (out.size() >= limit) break;
      out.add(n);
    }
    int local = out.size();
    int looked = 0;
    for (NodeSpec n : all.atLeast(bytes)) {
      // Bounded so a large home region cannot turn this into a scan of the fleet.
      if (out.size() >= local + limit || ++looked > 8 * limit) break;
      if (!n.region().equals(region)) out.add(n);
    }
    return out;
  }

  private NodePool region(Map<String, NodePool> map, String region) {
    return map.computeIfAbsent(region, r -> new NodePool(capacity));
  }
}
