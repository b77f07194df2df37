package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.PipelineState;
import dev.brigade.protocol.plan.Plan;
import dev.brigade.protocol.plan.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scheduler's working state, indexed so that one join or leave costs O(log n) in the
 * fleet size: nodes, pipelines, which pipeline each node serves, the standby pool and the
 * broken pipelines waiting for a node. {@link Repairer} and {@link Rebalancer} change it and
 * return the {@link Transition}s to carry out; nothing here does I/O, reads a clock or draws
 * a random number, so the same events always give the same state. Not thread-safe.
 */
public final class Fleet {
  final ModelShape shape;
  final AllocatorConfig config;
  final Capacity capacity;
  final PipelineBuilder builder;
  final Map<String, NodeSpec> nodes = new HashMap<>();
  final Map<String, PipelineSpec> pipelines = new TreeMap<>();
  final Map<String, String> pipelineOf = new HashMap<>();
  /** Broken pipelines and the node ids of their missing stages. */
  final Map<String, Set<String>> gaps = new TreeMap<>();
  final StandbyPool standby;
  private long nextId = 1;

  public Fleet(ModelShape shape, AllocatorConfig config) {
    this.shape = shape;
    this.config = config;
    this.capacity = new Capacity(shape, config);
    this.builder = new PipelineBuilder(capacity, config);
    this.standby = new StandbyPool(capacity, config.maxTokenSeconds() / shape.numLayers());
  }

  /** A fleet laid out by the allocator; every pipeline starts LOADING (one FORM each). */
  public static Fleet allocate(
      ModelShape shape, AllocatorConfig config, List<NodeSpec> nodes, Allocator.KRule rule, List<Transition> out) {
    Fleet fleet = new Fleet(shape, config);
    Plan plan = Allocator.allocate(shape, nodes, config, rule, fleet.nextId);
    for (NodeSpec n : nodes) fleet.nodes.put(n.nodeId(), n);
    for (PipelineSpec p : plan.pipelines()) {
      fleet.nextId++;
      fleet.pipelines.put(p.id(), p);
      for (String id : p.nodeIds()) fleet.pipelineOf.put(id, p.id());
      out.add(new Transition(Transition.Kind.FORM, p, p.nodeIds(), List.of()));
    }
    for (String id : plan.standby()) fleet.standby.add(fleet.nodes.get(id));
    return fleet;
  }

  public ModelShape shape() {
    return shape;
  }

  public AllocatorConfig config() {
    return config;
  }

  public NodeSpec node(String nodeId) {
    return nodes.get(nodeId);
  }

  public int nodeCount() {
    return nodes.size();
  }

  public PipelineSpec pipeline(String id) {
    return pipelines.get(id);
  }

  public Collection<PipelineSpec> pipelines() {
    return Collections.unmodifiableCollection(pipelines.values());
  }

  /** The pipeline a node serves in, or null when it is on standby (or unknown). */
  public String pipelineOf(String nodeId) {
    return pipelineOf.get(nodeId);
  }

  public int standbyCount() {
    return standby.size();
  }

  public Set<String> brokenPipelines() {
    return Collections.unmodifiableSet(gaps.keySet());
  }

  /** Every stage of a loading pipeline has its slice: it becomes routable. */
  public PipelineSpec markReady(String pipelineId) {
    PipelineSpec p = pipelines.get(pipelineId);
    if (p == null || p.state() != PipelineState.LOADING) return p;
    PipelineSpec ready = p.withState(PipelineState.READY);
    pipelines.put(pipelineId, ready);
    return ready;
  }

  /** The state as a plan (pipelines by id, standby ids sorted). O(n): for publishing, not per event. */
  public Plan snapshot() {
    List<String> ids = new ArrayList<>();
    for (NodeSpec n : standby.all().all()) ids.add(n.nodeId());
    Collections.sort(ids);
    return new Plan(new ArrayList<>(pipelines.values()), ids);
  }

  // ---- primitives used by Repairer, Rebalancer and the simulator's baseline ----

  String newPipelineId() {
    return "p" + nextId++;
  }

  /** Ids made from now on come after {@code id} when it is one of ours ("p" + n); used on restore. */
  void skipPastId(String id) {
    if (id.matches("p[0-9]{1,18}")) nextId = Math.max(nextId, Long.parseLong(id.substring(1)) + 1);
  }

  /** Adds a node to standby (a join). */
  public void addStandby(NodeSpec node) {
    if (nodes.containsKey(node.nodeId()))
      throw new IllegalArgumentException("node " + node.nodeId() + " is already in the fleet");
    nodes.put(node.nodeId(), node);
    standby.add(node);
  }

  /** Installs a pipeline whose nodes were taken off standby (or already belong to it). */
  void install(PipelineSpec p) {
    PipelineSpec old = pipelines.put(p.id(), p);
    if (old != null) for (String id : old.nodeIds()) if (p.id().equals(pipelineOf.get(id))) pipelineOf.remove(id);
    for (String id : p.nodeIds()) {
      NodeSpec n = nodes.get(id);
      if (n != null) {
        standby.remove(n);
        pipelineOf.put(id, p.id());
      }
    }
  }

  /** Removes the pipeline; its nodes still in the fleet go back to standby. */
  public Transition dissolve(String pipelineId) {
    PipelineSpec p = pipelines.remove(pipelineId);
    gaps.remove(pipelineId);
    List<String> freed = new ArrayList<>();
    for (Stage s : p.stages()) {
      NodeSpec n = nodes.get(s.nodeId());
      if (n != null && pipelineId.equals(pipelineOf.get(s.nodeId()))) {
        pipelineOf.remove(s.nodeId());
        standby.add(n);
        freed.add(s.nodeId());
      }
    }
    return new Transition(Transition.Kind.DISSOLVE, p, List.of(), freed);
  }

  /** Marks a pipeline draining (no new sequences); {@link #dissolve} it once it is empty. */
  public Transition drain(String pipelineId) {
    PipelineSpec p = pipelines.get(pipelineId).withState(PipelineState.DRAINING);
    pipelines.put(pipelineId, p);
    return new Transition(Transition.Kind.DRAIN, p, List.of(), List.of());
  }

  /**
   * Removes a node from the fleet. Returns the pipeline it served in (now missing that
   * stage, recorded as a gap) or null if it was on standby or unknown.
   */
  public String removeNode(String nodeId) {
    NodeSpec n = nodes.remove(nodeId);
    if (n == null) return null;
    String pipelineId = pipelineOf.remove(nodeId);
    if (pipelineId == null) {
      standby.remove(n);
      return null;
    }
    gaps.computeIfAbsent(pipelineId, id -> new TreeSet<>()).add(nodeId);
    return pipelineId;
  }

  /**
   * Forms as many new pipelines as the formable standby nodes allow, the given region's first,
   * each within the latency ceiling. O(stages * log n) per pipeline formed, O(log n) when none.
   */
  public List<Transition> formFromStandby(String region) {
    List<Transition> out = new ArrayList<>();
    Assembler assembler = new Assembler(capacity, config.maxStages(), true);
    boolean local = true;
    while (true) {
      NodePool pool = local ? standby.formableIn(region) : standby.formable();
      List<NodeSpec> members = assembler.assembleOne(pool);
      if (members == null) {
        if (!local) return out;
        local = false;
        continue;
      }
      for (NodeSpec m : members) pool.add(m); // assembleOne took them out of this pool only
      PipelineSpec p = builder.build(newPipelineId(), members, PipelineState.LOADING);
      if (p == null || p.tokenSeconds() > config.maxTokenSeconds()) {
        if (!local) return out;
        local = false;
        continue;
      }
      install(p);
      out.add(new Transition(Transition.Kind.FORM, p, p.nodeIds(), List.of()));
    }
  }
}
