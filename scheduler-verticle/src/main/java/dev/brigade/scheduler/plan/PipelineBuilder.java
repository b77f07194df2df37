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
    double seconds = layers * node.layerSeconds();
    if (role == Role.TAIL || role == Role.SOLE) seconds += node.layerSeconds() * headLayers();
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
   * Layers per stage so that every stage takes about the same time per token, each at least 1
   * and at most the node's capacity in its role; null if the caps cannot cover the model.
   *
   * <p>The tail also runs lm_head, which reads {@code headBytes / layerWeightBytes} layers'
   * worth of weights a step (about 10 layers for Qwen3-0.6B's tied 151,936-row head, 1.6 for
   * 32B in BF16, 3.2 for 32B-FP8, whose head stays BF16): it counts as that many layers already
   * poured into the tail. With several micro-batches
   * in flight the slowest stage sets the pace, and an even split left the 0.6B tail of a
   * 2-stage pipeline busy 73% of the time against 46% for the head (bench-mesh, one core each).
   */
  int[] waterFill(List<NodeSpec> order) {
    int n = order.size();
    int total = capacity.shape().numLayers();
    if (n > total) return null;
    int[] cap = new int[n];
    double[] speed = new double[n];
    double[] preFilled = new double[n];
    long capSum = 0;
    for (int i = 0; i < n; i++) {
      Role role = Role.of(i, n);
      cap[i] = capacity.layers(order.get(i), role);
      if (cap[i] < 1) return null;
      capSum += cap[i];
      speed[i] = 1.0 / order.get(i).layerSeconds();
      preFilled[i] = role == Role.TAIL ? headLayers() : 0;
    }
    if (capSum < total) return null;
    // Find the time level t at which the stages, each holding clamp(t * speed - preFilled, 1,
    // cap) layers, hold the whole model; the sum grows with t, so bisection finds it.
    double lo = 0;
    double hi = 1;
    while (filled(hi, speed, preFilled, cap) < total) hi *= 2;
    for (int step = 0; step < 100; step++) {
      double mid = (lo + hi) / 2;
      if (filled(mid, speed, preFilled, cap) < total) lo = mid;
      else hi = mid;
    }
    double[] share = new double[n];
    for (int i = 0; i < n; i++) share[i] = layersAt(hi, i, speed, preFilled, cap);
    // Round down (each share is at least 1, and together they hold the model, so the floors
    // never exceed it), then hand out the remainder by largest fractional part where room is left.
    int[] layers = new int[n];
    int given = 0;
    for (int i = 0; i < n; i++) {
      layers[i] = (int) Math.floor(share[i] + 1e-9);
      given += layers[i];
    }
    while (given < total) {
      int best = -1;
      double bestFraction = -1;
      for (int i = 0; i < n; i++) {
        if (layers[i] >= cap[i]) continue;
        double fraction = share[i] - layers[i];
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

  /** lm_head's weight reads per step, in decoder layers. */
  private double headLayers() {
    ModelShape shape = capacity.shape();
    return shape.headBytes() / (double) shape.layerWeightBytes();
  }

  private static double layersAt(double level, int i, double[] speed, double[] preFilled, int[] cap) {
    return Math.min(cap[i], Math.max(1, level * speed[i] - preFilled[i]));
  }

  private static double filled(double level, double[] speed, double[] preFilled, int[] cap) {
    double sum = 0;
    for (int i = 0; i < speed.length; i++) sum += layersAt(level, i, speed, preFilled, cap);
    return sum;
  }
}
