package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Plan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The allocator: a pure function from a model and a fleet to a plan.
 *
 * <ol>
 *   <li>Candidate pipelines, three ways with {@link Assembler}: inside each region first (short
 *       hops) and then the leftovers of all regions pooled; across all nodes at once; and plain
 *       next-fit-decreasing. The way whose chosen pipelines predict the most tokens/s wins.
 *   <li>Each candidate is laid out by {@link PipelineBuilder} (water-filled by speed).
 *   <li>Number of pipelines: candidates are ranked (within the latency ceiling first, then
 *       fewest stages, then fastest). Every k from 1 to the number of candidates is scored by
 *       the predicted tokens/s of the first k pipelines (a pipeline with s stages keeps s
 *       micro-batches in flight, so it yields about s / tokenSeconds; one over the latency
 *       ceiling yields nothing) and the smallest k with the best score is chosen, never fewer
 *       than Parallax's k^2/stages rule picks from any of the three rankings.
 *   <li>Everything else is on standby, including nodes so slow per layer that they would break
 *       the latency ceiling holding the whole model (they can still stand in for a lost stage).
 * </ol>
 *
 * O(n log n) in the number of nodes.
 */
public final class Allocator {
  /** How the number of pipelines is chosen. */
  public enum KRule {
    /** Predicted-throughput search over every k, at least Parallax's k. */
    BEST,
    /** Parallax's k^2 / stages rule alone (the simulator's baseline). */
    PARALLAX
  }

  private Allocator() {}

  public static Plan allocate(ModelShape shape, List<NodeSpec> nodes) {
    return allocate(shape, nodes, AllocatorConfig.DEFAULT, KRule.BEST, 1);
  }

  /**
   * @param firstId pipelines are named "p" + firstId, "p" + (firstId + 1), ...
   */
  public static Plan allocate(
      ModelShape shape, List<NodeSpec> nodes, AllocatorConfig config, KRule rule, long firstId) {
    Capacity capacity = new Capacity(shape, config);
    PipelineBuilder builder = new PipelineBuilder(capacity, config);
    double ceiling = config.maxTokenSeconds();
    Set<String> ids = new HashSet<>();
    for (NodeSpec n : nodes)
      if (!ids.add(n.nodeId())) throw new IllegalArgumentException("duplicate node id " + n.nodeId());

    // A node too slow to meet the latency ceiling even alone never seeds a pipeline.
    double maxLayerSeconds = ceiling / shape.numLayers();
    List<NodeSpec> usable = new ArrayList<>(nodes.size());
    for (NodeSpec n : nodes) if (n.layerSeconds() <= maxLayerSeconds) usable.add(n);

    // Candidates three ways: region-first, across all, and plain next-fit-decreasing.
    List<List<PipelineSpec>> ways = List.of(
        rank(layOut(byRegionThenAcross(usable, capacity, new Assembler(capacity, config.maxStages(), true)), builder), ceiling),
        rank(layOut(acrossAll(usable, capacity, new Assembler(capacity, config.maxStages(), true)), builder), ceiling),
        rank(layOut(acrossAll(usable, capacity, new Assembler(capacity, config.maxStages(), false)), builder), ceiling));
    // Never fewer pipelines than Parallax's rule picks from any of them.
    int parallaxK = 0;
    for (List<PipelineSpec> ranked : ways) parallaxK = Math.max(parallaxK, ParallaxRule.chooseK(stageCounts(ranked)));
    List<PipelineSpec> candidates = List.of();
    int k = 0;
    double bestScore = -1;
    for (List<PipelineSpec> ranked : ways) {
      if (ranked.size() < parallaxK) continue;
      int wayK = rule == KRule.PARALLAX ? parallaxK : Math.max(parallaxK, bestK(ranked, ceiling));
      double score = score(ranked.subList(0, wayK), ceiling);
      if (score > bestScore) {
        bestScore = score;
        candidates = ranked;
        k = wayK;
      }
    }

    List<PipelineSpec> chosen = new ArrayList<>(k);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < k; i++) {
      PipelineSpec c = candidates.get(i);
      chosen.add(new PipelineSpec("p" + (firstId + i), c.stages(), PipelineState.LOADING,
          c.hopSeconds(), c.tokenCapacity()));
      used.addAll(c.nodeIds());
    }
    List<String> standby = new ArrayList<>();
    for (NodeSpec n : nodes) if (!used.contains(n.nodeId())) standby.add(n.nodeId());
    standby.sort(Comparator.naturalOrder());
    return new Plan(chosen, standby);
  }

  /** Region by region (short hops), then the leftovers of all regions together. */
  private static List<List<NodeSpec>> byRegionThenAcross(
      List<NodeSpec> nodes, Capacity capacity, Assembler assembler) {
    Map<String, NodePool> byRegion = new TreeMap<>();
    for (NodeSpec n : nodes)
      byRegion.computeIfAbsent(n.region(), r -> new NodePool(capacity)).add(n);
    List<List<NodeSpec>> sets = new ArrayList<>();
    NodePool leftovers = new NodePool(capacity);
    for (NodePool pool : byRegion.values()) {
      sets.addAll(assembler.assembleAll(pool));
      for (NodeSpec n : pool.all()) leftovers.add(n);
    }
    sets.addAll(assembler.assembleAll(leftovers));
    return sets;
  }

  private static List<List<NodeSpec>> acrossAll(List<NodeSpec> nodes, Capacity capacity, Assembler assembler) {
    NodePool pool = new NodePool(capacity);
    for (NodeSpec n : nodes) pool.add(n);
    return assembler.assembleAll(pool);
  }

  private static List<PipelineSpec> layOut(List<List<NodeSpec>> sets, PipelineBuilder builder) {
    List<PipelineSpec> laidOut = new ArrayList<>(sets.size());
    for (List<NodeSpec> set : sets) {
      PipelineSpec p = builder.build("candidate", set, PipelineState.LOADING);
      if (p != null) laidOut.add(p);
    }
    return laidOut;
  }

  /** Within the latency ceiling first, then fewest stages, then fastest. */
  static List<PipelineSpec> rank(List<PipelineSpec> candidates, double ceiling) {
    List<PipelineSpec> ranked = new ArrayList<>(candidates);
    ranked.sort(
        Comparator.comparing((PipelineSpec p) -> p.tokenSeconds() > ceiling)
            .thenComparingInt(p -> p.stages().size())
            .thenComparingDouble(PipelineSpec::tokenSeconds)
            .thenComparing(p -> p.head().nodeId()));
    return ranked;
  }

  /** Predicted tokens/s: a pipeline of s stages keeps s micro-batches in flight. */
  static double score(List<PipelineSpec> pipelines, double ceiling) {
    double score = 0;
    for (PipelineSpec p : pipelines)
      if (p.tokenSeconds() <= ceiling) score += p.stages().size() / p.tokenSeconds();
    return score;
  }

  static int[] stageCounts(List<PipelineSpec> ranked) {
    int[] stages = new int[ranked.size()];
    for (int i = 0; i < stages.length; i++) stages[i] = ranked.get(i).stages().size();
    return stages;
  }

  /** The smallest k whose first k ranked pipelines reach the best predicted tokens/s. */
  static int bestK(List<PipelineSpec> ranked, double ceiling) {
    int best = 0;
    double bestScore = 0;
    double score = 0;
    for (int k = 1; k <= ranked.size(); k++) {
      PipelineSpec p = ranked.get(k - 1);
      if (p.tokenSeconds() <= ceiling) score += p.stages().size() / p.tokenSeconds();
      if (score > bestScore * (1 + 1e-12)) {
        bestScore = score;
        best = k;
      }
    }
    return best;
  }
}
