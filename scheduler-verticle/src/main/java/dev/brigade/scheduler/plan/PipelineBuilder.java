package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.Geo;
import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a set of nodes into a pipeline: orders the stages (most memory at the head, second
 * most at the tail, the rest chained by nearest neighbour), water-fills the layers in
 * proportion to measured speed under each node's memory cap, and derives the per-token times.
 */
public final class PipelineBuilder {
  private final Capacity capacity;
  private final AllocatorConfig config;

  public PipelineBuilder(Capacity capacity, AllocatorConfig config) {
    this.capacity = capacity;
    this.config = config;
  }

  /** Most memory first; ties go to the faster node, then to the smaller id. */
  static final Comparator<NodeSpec> HEAD_FIRST =
      Comparator.comparingLong(NodeSpec::memoryBytes)
          .reversed()
          .thenComparingDouble(NodeSpec::layerSeconds)
          .thenComparing(NodeSpec::nodeId);

  /** A pipeline over these nodes, or null when they cannot hold the model one stage each. */
  public PipelineSpec build(String id, List<NodeSpec> members, PipelineState state) {
    List<NodeSpec> order = stageOrder(members);
    int[] layers = waterFill(order);
    if (layers == null) return null;
    return withLayers(id, order, layers, state);
  }

  /**
   * A pipeline over these nodes in exactly this order with these layer counts (used by repair
   * to keep surviving stages unchanged). Null if a node cannot hold its slice.
   */
  public PipelineSpec withLayers(String id, List<NodeSpec> order, int[] layers, PipelineState state) {
    ModelShape shape = capacity.shape();
    int n = order.size();
    List<Stage> stages = new ArrayList<>(n);
    long tokenCapacity = Long.MAX_VALUE;
    int start = 0;
    for (int i = 0; i < n; i++) {
      NodeSpec node = order.get(i);
      Role role = Role.of(i, n);
      if (layers[i] < 1 || layers[i] > capacity.layers(node, role)) return null;
      stages.add(new Stage(node.nodeId(), start, start + layers[i], stageSeconds(node, layers[i], role)));
      start += layers[i];
      long kvPerToken = (long) layers[i] * shape.kvBytesPerTokenPerLayer();
      if (kvPerToken > 0) {
        long free = node.memoryBytes() - capacity.weightBytes(layers[i], role);
        tokenCapacity = Math.min(tokenCapacity, free / kvPerToken);
      }
    }
    if (start != shape.numLayers()) return null;
    return new PipelineSpec(id, stages, state, hopSeconds(order), tokenCapacity);
  }

  /** Decode seconds of one token through a slice: its layers, plus lm_head on the tail. */
  public double stageSeconds(NodeSpec node, int layers, Role role) {
    ModelShape shape = capacity.shape();
    double seconds = layers * node.layerSeconds();
    if (role == Role.TAIL || role == Role.SOLE)
      seconds += node.layerSeconds() * shape.headBytes() / (double) shape.layerWeightBytes();
    return seconds;
  }

  /** Network time of one token around the ring: each hop's one-way latency plus transfer. */
  public double hopSeconds(List<NodeSpec> order) {
    if (order.size() < 2) return 0;
    double transfer = capacity.shape().activationBytesPerToken() / config.linkBytesPerSecond();
    double sum = 0;
    for (int i = 0; i < order.size(); i++) {
      NodeSpec from = order.get(i);
      NodeSpec to = order.get((i + 1) % order.size());
      // The tail sends back only a token id, not a hidden state.
      sum += Geo.rttSeconds(from, to) / 2 + (i + 1 < order.size() ? transfer : 0);
    }
    return sum;
  }

  /** Head = most memory, tail = second most, middle stages chained by nearest neighbour. */
  static List<NodeSpec> stageOrder(List<NodeSpec> members) {
    List<NodeSpec> byMemory = new ArrayList<>(members);
    byMemory.sort(HEAD_FIRST);
    if (byMemory.size() <= 2) return byMemory;
    NodeSpec tail = byMemory.get(1);
    List<NodeSpec> rest = new ArrayList<>(byMemory.subList(2, byMemory.size()));
    List<NodeSpec> order = new ArrayList<>(byMemory.size());
    order.add(byMemory.getFirst());
    while (!rest.isEmpty()) {
      NodeSpec last = order.getLast();
      int best = 0;
      double bestRtt = Double.MAX_VALUE;
      for (int i = 0; i < rest.size(); i++) {
        double rtt = Geo.rttSeconds(last, rest.get(i));
        if (rtt < bestRtt) {
          bestRtt = rtt;
          best = i;
        }
      }
      order.add(rest.remove(best));
    }
    order.add(tail);
    return order;
  }

  /**
   * Layers per stage in proportion to speed (1 / layerSeconds), each at least 1 and at most
   * the node's capacity in its role; null if the caps cannot cover the model.
   */
  int[] waterFill(List<NodeSpec> order) {
    int n = order.size();
    int total = capacity.shape().numLayers();
    if (n > total) return null;
    int[] cap = new int[n];
    double[] speed = new double[n];
    long capSum = 0;
    for (int i = 0; i < n; i++) {
      cap[i] = capacity.layers(order.get(i), Role.of(i, n));
      if (cap[i] < 1) return null;
      capSum += cap[i];
      speed[i] = 1.0 / order.get(i).layerSeconds();
    }
    if (capSum < total) return null;
    // Every stage gets one layer; the rest is poured in proportion to speed up to each cap.
    int rest = total - n;
    double[] share = new double[n];
    boolean[] full = new boolean[n];
    double left = rest;
    while (left > 1e-9) {
      double speedSum = 0;
      for (int i = 0; i < n; i++) if (!full[i]) speedSum += speed[i];
      if (speedSum == 0) break;
      boolean capped = false;
      for (int i = 0; i < n; i++) {
        if (full[i]) continue;
        double want = left * speed[i] / speedSum;
        if (share[i] + want >= cap[i] - 1) {
          left -= cap[i] - 1 - share[i];
          share[i] = cap[i] - 1;
          full[i] = true;
          capped = true;
        }
      }
      if (capped) continue;
      for (int i = 0; i < n; i++) if (!full[i]) share[i] += left * speed[i] / speedSum;
      left = 0;
    }
    // Round down, then hand out the remainder by largest fractional part where room is left.
    int[] layers = new int[n];
    int given = 0;
    for (int i = 0; i < n; i++) {
      layers[i] = 1 + (int) Math.floor(share[i] + 1e-9);
      given += layers[i];
    }
    while (given < total) {
      int best = -1;
      double bestFraction = -1;
      for (int i = 0; i < n; i++) {
        if (layers[i] >= cap[i]) continue;
        double fraction = 1 + share[i] - layers[i];
        if (fraction > bestFraction) {
          bestFraction = fraction;
          best = i;
        }
      }
      if (best < 0) return null;
      layers[best]++;
      given++;
    }
    return layers;
  }
}
