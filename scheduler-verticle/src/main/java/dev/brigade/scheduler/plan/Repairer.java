package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins and leaves. A leave repairs the broken pipeline instead of dissolving it: first each
 * missing stage is given to one standby node that can hold exactly that slice (every other
 * stage keeps its slice and stays loaded); if no such node exists, the survivors and as few
 * standby nodes as needed are re-split by water-filling (the survivors' region first); if even
 * that cannot cover the model, the pipeline waits BROKEN and every later join tries again,
 * until the caller gives up on it ({@link #giveUp}) and its survivors return to standby. A
 * join first repairs waiting pipelines, then forms new ones from standby when together they
 * can. Each event costs O((broken pipelines + stages) * log n).
 */
public final class Repairer {
  /** Standby nodes tried per missing stage (smallest fitting first, the region's first). */
  static final int CANDIDATES = 8;

  private Repairer() {}

  public static List<Transition> leave(Fleet fleet, String nodeId) {
    List<Transition> out = new ArrayList<>();
    String pipelineId = fleet.removeNode(nodeId);
    if (pipelineId == null) return out;
    if (!repair(fleet, pipelineId, out)) {
      PipelineSpec p = fleet.pipelines.get(pipelineId);
      if (p.state() != PipelineState.BROKEN) {
        p = p.withState(PipelineState.BROKEN);
        fleet.pipelines.put(pipelineId, p);
      }
      out.add(new Transition(Transition.Kind.BREAK, p, List.of(), List.of()));
    }
    return out;
  }

  public static List<Transition> join(Fleet fleet, NodeSpec node) {
    List<Transition> out = new ArrayList<>();
    fleet.addStandby(node);
    repairWaiting(fleet, out);
    out.addAll(fleet.formFromStandby(node.region()));
    return out;
  }

  /** Fills what gaps of broken pipelines the standby nodes can, in pipeline id order. */
  private static void repairWaiting(Fleet fleet, List<Transition> out) {
    for (String pipelineId : new ArrayList<>(fleet.gaps.keySet())) {
      if (fleet.standbyCount() == 0) break;
      repair(fleet, pipelineId, out);
    }
  }

  /**
   * Gives up on a pipeline that has waited broken too long: it is dissolved, and its surviving
   * nodes go back to standby, where they can fill other broken pipelines' gaps or form new
   * pipelines with the spare nodes, instead of idling behind a gap that no joining node fits.
   * Nothing happens if the pipeline is no longer broken (a join repaired it).
   */
  public static List<Transition> giveUp(Fleet fleet, String pipelineId) {
    List<Transition> out = new ArrayList<>();
    if (!fleet.gaps.containsKey(pipelineId)) return out;
    String region = "";
    for (Stage s : fleet.pipelines.get(pipelineId).stages()) {
      NodeSpec n = fleet.nodes.get(s.nodeId());
      if (n != null) {
        region = n.region();
        break;
      }
    }
    out.add(fleet.dissolve(pipelineId));
    repairWaiting(fleet, out);
    out.addAll(fleet.formFromStandby(region));
    return out;
  }

  /** Tries to fill every gap of a pipeline; true (and a REPAIR transition) on success. */
  static boolean repair(Fleet fleet, String pipelineId, List<Transition> out) {
    PipelineSpec broken = fleet.pipelines.get(pipelineId);
    Set<String> missing = fleet.gaps.get(pipelineId);
    PipelineSpec fixed = replaceStages(fleet, broken, missing);
    if (fixed == null) fixed = resplit(fleet, broken, missing);
    if (fixed == null) return false;
    List<String> load = changedNodes(broken, fixed);
    fleet.gaps.remove(pipelineId);
    fleet.install(fixed);
    out.add(new Transition(Transition.Kind.REPAIR, fixed, load, List.of()));
    return true;
  }

  /** Same slices, one standby node per missing stage; null if some stage finds none. */
  private static PipelineSpec replaceStages(Fleet fleet, PipelineSpec p, Set<String> missing) {
    int n = p.stages().size();
    List<NodeSpec> order = new ArrayList<>(n);
    int[] layers = new int[n];
    for (int i = 0; i < n; i++) {
      Stage s = p.stages().get(i);
      order.add(fleet.nodes.get(s.nodeId()));
      layers[i] = s.layers();
    }
    List<NodeSpec> taken = new ArrayList<>();
    PipelineSpec result = null;
    try {
      for (int i = 0; i < n; i++) {
        if (!missing.contains(p.stages().get(i).nodeId())) continue;
        long required = fleet.capacity.requiredBytes(layers[i], Role.of(i, n));
        NodeSpec best = null;
        double bestSeconds = Double.MAX_VALUE;
        for (NodeSpec c : fleet.standby.candidates(required, regionNear(order, i), CANDIDATES)) {
          double seconds = fleet.builder.stageSeconds(c, layers[i], Role.of(i, n));
          if (seconds < bestSeconds) {
            best = c;
            bestSeconds = seconds;
          }
        }
        if (best == null) return null;
        fleet.standby.remove(best);
        taken.add(best);
        order.set(i, best);
      }
      result = fleet.builder.withLayers(p.id(), order, layers, PipelineState.LOADING);
      if (result != null && result.tokenSeconds() > fleet.config.maxTokenSeconds()) result = null;
      return result;
    } finally {
      if (result == null) for (NodeSpec t : taken) fleet.standby.add(t);
    }
  }

  /**
   * Survivors plus as few standby nodes as needed, laid out afresh; null if they cannot cover.
   * Nodes of the survivors' region are tried first (short hops keep the pipeline under the
   * latency ceiling), then the whole standby pool.
   */
  private static PipelineSpec resplit(Fleet fleet, PipelineSpec p, Set<String> missing) {
    List<NodeSpec> survivors = new ArrayList<>();
    for (Stage s : p.stages()) if (!missing.contains(s.nodeId())) survivors.add(fleet.nodes.get(s.nodeId()));
    survivors.sort(PipelineBuilder.HEAD_FIRST);
    if (!survivors.isEmpty()) {
      String region = survivors.getFirst().region();
      PipelineSpec local = resplit(fleet, p, survivors, fleet.standby.allIn(region), fleet.standby.formableIn(region));
      if (local != null) return local;
    }
    return resplit(fleet, p, survivors, fleet.standby.all(), fleet.standby.formable());
  }

  /** The re-split with standby nodes drawn from these pools (views of the standby pool). */
  private static PipelineSpec resplit(
      Fleet fleet, PipelineSpec p, List<NodeSpec> survivors, NodePool all, NodePool formable) {
    List<NodeSpec> members = new ArrayList<>(survivors);
    Assembler assembler = new Assembler(fleet.capacity, fleet.config.maxStages(), true);
    int total = fleet.shape.numLayers();
    List<NodeSpec> taken = new ArrayList<>();
    PipelineSpec result = null;
    try {
      while (members.isEmpty() || assembler.covered(members) < total) {
        if (members.size() >= fleet.config.maxStages()) return null;
        NodeSpec next = closer(fleet, members, total, all);
        if (next == null) next = formable.largest();
        if (next == null) return null;
        fleet.standby.remove(next);
        taken.add(next);
        members.add(next);
        members.sort(PipelineBuilder.HEAD_FIRST);
      }
      result = fleet.builder.build(p.id(), members, PipelineState.LOADING);
      if (result != null && result.tokenSeconds() > fleet.config.maxTokenSeconds()) result = null;
      return result;
    } finally {
      if (result == null) for (NodeSpec t : taken) fleet.standby.add(t);
    }
  }

  /** The smallest node of the pool that alone would close the gap as a middle stage, or null. */
  private static NodeSpec closer(Fleet fleet, List<NodeSpec> members, int total, NodePool pool) {
    if (members.size() < 2) return null;
    Assembler assembler = new Assembler(fleet.capacity, fleet.config.maxStages(), true);
    int need = total - assembler.covered(members);
    return pool.smallestAtLeast(fleet.capacity.requiredBytes(need, Role.MIDDLE));
  }

  /** Region of the nearest surviving neighbour of stage i (for short hops). */
  private static String regionNear(List<NodeSpec> order, int i) {
    for (int d = 1; d < order.size(); d++) {
      for (int j : new int[] {i - d, i + d}) {
        if (j >= 0 && j < order.size() && order.get(j) != null) return order.get(j).region();
      }
    }
    return "";
  }

  /** Nodes that must load: new to the pipeline or given a different slice. */
  private static List<String> changedNodes(PipelineSpec before, PipelineSpec after) {
    Map<String, Stage> old = new HashMap<>();
    for (Stage s : before.stages()) old.put(s.nodeId(), s);
    List<String> load = new ArrayList<>();
    for (int i = 0; i < after.stages().size(); i++) {
      Stage s = after.stages().get(i);
      Stage was = old.get(s.nodeId());
      boolean sameRole = was != null && (before.stages().indexOf(was) == 0) == (i == 0)
          && (before.stages().indexOf(was) == before.stages().size() - 1) == (i == after.stages().size() - 1);
      if (was == null || was.start() != s.start() || was.end() != s.end() || !sameRole) load.add(s.nodeId());
    }
    return load;
  }
}
