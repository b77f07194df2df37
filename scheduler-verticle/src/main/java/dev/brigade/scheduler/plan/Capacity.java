package dev.brigade.scheduler.plan;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;

/** Memory arithmetic: how many layers fit on a node in a role, and what a slice needs. */
public final class Capacity {
  private final ModelShape shape;
  private final long perLayerBytes;

  public Capacity(ModelShape shape, AllocatorConfig config) {
    this.shape = shape;
    this.perLayerBytes =
        shape.layerWeightBytes() + config.kvTokensPerLayer() * shape.kvBytesPerTokenPerLayer();
  }

  public ModelShape shape() {
    return shape;
  }

  /** Weights plus reserved KV room of one hosted layer. */
  public long perLayerBytes() {
    return perLayerBytes;
  }

  /** Bytes of the tensors a role holds besides its layers. */
  public long extraBytes(Role role) {
    return switch (role) {
      case SOLE -> shape.embeddingBytes() + shape.headBytes();
      case HEAD -> shape.embeddingBytes();
      case TAIL -> shape.headBytes();
      case MIDDLE -> 0;
    };
  }

  /** Layers the node can host in this role (never more than the model has; 0 if none fit). */
  public int layers(NodeSpec node, Role role) {
    long free = node.memoryBytes() - extraBytes(role);
    if (free < perLayerBytes) return 0;
    return (int) Math.min(shape.numLayers(), free / perLayerBytes);
  }

  /** Memory a node needs to host {@code layers} layers in this role. */
  public long requiredBytes(int layers, Role role) {
    return layers * perLayerBytes + extraBytes(role);
  }

  /** Bytes actually occupied by weights of a slice of {@code layers} in this role. */
  public long weightBytes(int layers, Role role) {
    return layers * shape.layerWeightBytes() + extraBytes(role);
  }
}
