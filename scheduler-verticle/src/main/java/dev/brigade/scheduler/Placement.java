package dev.brigade.scheduler;

import dev.brigade.protocol.control.NodeRecord;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineRecord.Stage;
import dev.brigade.protocol.control.PipelineState;
import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.Plan;
import dev.brigade.scheduler.plan.Allocator;
import dev.brigade.scheduler.plan.AllocatorConfig;
import dev.brigade.scheduler.plan.Capacity;
import dev.brigade.scheduler.plan.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The scheduler's use of the planning code: the allocator forms new pipelines from spare nodes,
 * and a broken pipeline is repaired by giving each lost stage's exact layer range to a spare
 * node with room for it in that role (so the surviving stages keep their loaded slices).
 * Nodes that failed to load a slice are left out until they register again.
 */
final class Placement {
  private final ModelShape shape;
  private final AllocatorConfig allocatorConfig = AllocatorConfig.DEFAULT;
  private final Capacity capacity;
  private final Set<String> unfit = new HashSet<>();

  Placement(ModelShape shape) {
    this.shape = shape;
    this.capacity = new Capacity(shape, allocatorConfig);
  }

  /**
   * Complete pipelines the allocator forms from {@code pool}, numbered from {@code firstNumber}
   * (pipeline "p" + n has epoch n, so numbers and epochs never repeat); empty when none fits.
   */
  List<PipelineRecord> form(List<NodeRecord> pool, long firstNumber) {
    List<NodeRecord> usable = pool.stream().filter(n -> !unfit.contains(n.nodeId())).toList();
    if (usable.isEmpty()) {
      return List.of();
    }
    Map<String, NodeRecord> byId = new java.util.HashMap<>();
    usable.forEach(n -> byId.put(n.nodeId(), n));
    List<NodeSpec> specs = usable.stream().map(Placement::spec).toList();
    Plan plan = Allocator.allocate(shape, specs, allocatorConfig, Allocator.KRule.BEST, firstNumber);
    List<PipelineRecord> formed = new ArrayList<>();
    for (int i = 0; i < plan.pipelines().size(); i++) {
      PipelineSpec spec = plan.pipelines().get(i);
      List<Stage> stages = new ArrayList<>();
      for (dev.brigade.protocol.plan.Stage s : spec.stages()) {
        stages.add(new Stage(s.nodeId(), s.start(), s.end(), byId.get(s.nodeId()).layerSeconds(), false));
      }
      formed.add(new PipelineRecord(spec.id(), PipelineState.LOADING, firstNumber + i, shape.numLayers(), stages));
    }
    return formed;
  }

  /**
   * {@code broken} with every stage whose node is not {@code healthy} handed to a spare node,
   * as a new epoch; empty when the spares cannot fill every gap.
   */
  Optional<PipelineRecord> repair(
      PipelineRecord broken, Function<Stage, Boolean> healthy, List<NodeRecord> spares, long epoch) {
    List<NodeRecord> free = new ArrayList<>(spares.stream().filter(n -> !unfit.contains(n.nodeId())).toList());
    List<Stage> stages = new ArrayList<>(broken.stages());
    boolean changed = false;
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      if (healthy.apply(s)) {
        continue;
      }
      Role role = Role.of(i, stages.size());
      Optional<NodeRecord> fit = free.stream()
          .filter(n -> capacity.layers(spec(n), role) >= s.layerEnd() - s.layerStart())
          .min(Comparator.comparingDouble(NodeRecord::layerSeconds).thenComparing(NodeRecord::nodeId));
      if (fit.isEmpty()) {
        return Optional.empty();
      }
      free.remove(fit.get());
      stages.set(i, new Stage(fit.get().nodeId(), s.layerStart(), s.layerEnd(), fit.get().layerSeconds(), false));
      changed = true;
    }
    if (!changed) {
      return Optional.empty();
    }
    // A new epoch: every stage gets a fresh assignment (neighbours changed) and confirms again.
    List<Stage> unconfirmed = stages.stream().map(s -> s.withLoaded(false)).toList();
    return Optional.of(new PipelineRecord(broken.pipelineId(), PipelineState.LOADING, epoch, shape.numLayers(), unconfirmed));
  }

  void markUnfit(String nodeId) {
    unfit.add(nodeId);
  }

  void forgetUnfit(String nodeId) {
    unfit.remove(nodeId);
  }

  boolean isUnfit(String nodeId) {
    return unfit.contains(nodeId);
  }

  static NodeSpec spec(NodeRecord n) {
    return NodeSpec.of(n.nodeId(), n.memoryBytes(), n.layerSeconds());
  }
}
