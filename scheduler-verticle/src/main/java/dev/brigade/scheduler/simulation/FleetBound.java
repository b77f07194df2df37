package dev.brigade.scheduler.simulation;

import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import java.util.SplittableRandom;

/**
 * The fleet's upper bound on served output tokens/s: every online node working at the ideal of
 * the same roofline model {@link PipelineRun} serves with, and nothing else in the way.
 *
 * <p>In the simulator a stage of l layers takes max(l (W + m c kv) / bandwidth, m l f / FLOPS)
 * for a micro-batch of m sequences (W: one layer's weight bytes, c: a sequence's context, kv:
 * KV bytes per context token per layer, f: FLOPs per token per layer). So a node turns out at
 * most min(m bandwidth / (W + m c kv), FLOPS / f) layer-tokens/s, and the fleet serves at most
 * the sum over nodes divided by the number of layers. The micro-batch is what the KV cache
 * allows: a pipeline of k stages keeps b sequences of r reserved tokens on every layer, so b r
 * L kv <= its memory and m <= ceil(b / k) <= 1 + (its memory / k) / (L r kv). The ideal takes
 * a node's own memory there, all of it as KV (no weights), with no hop latency, no activation
 * transfer, no prefill, no embedding or lm_head, no loading and no churn losses.
 *
 * <p>c and r are the workload's means weighted the way the decode batch sees them: by output
 * tokens (a sequence stays in the batch as long as its output runs), c = E[o (p + o/2)] / E[o]
 * and r = E[o (p + o)] / E[o] for prompt p and output o. The bound is concave in m, so the
 * batch's swings over time cannot lift the served rate above it.
 */
final class FleetBound {
  private final ModelShape shape;
  /** Output-weighted mean context read per decode step, and KV tokens reserved per sequence. */
  private final double context, reserved;

  FleetBound(ModelShape shape) {
    this.shape = shape;
    SplittableRandom rng = new SplittableRandom(1);
    double outputs = 0, contextSum = 0, reservedSum = 0;
    for (int i = 0; i < 200_000; i++) {
      int p = Workload.prompt(rng), o = Workload.output(rng);
      outputs += o;
      contextSum += o * (p + o / 2.0);
      reservedSum += (double) o * (p + o);
    }
    this.context = contextSum / outputs;
    this.reserved = reservedSum / outputs;
  }

  /** Output tokens/s one node adds to the fleet's upper bound. */
  double tokensPerSecond(NodeSpec node) {
    double kv = shape.kvBytesPerTokenPerLayer();
    double microBatch = 1 + node.memoryBytes() / (shape.numLayers() * reserved * kv);
    double bandwidth = bandwidth(node);
    double memoryBound = microBatch * bandwidth / (shape.layerWeightBytes() + microBatch * context * kv);
    double computeBound = node.flops() > 0 ? node.flops() / shape.flopsPerTokenPerLayer() : Double.POSITIVE_INFINITY;
    return Math.min(memoryBound, computeBound) / shape.numLayers();
  }

  /**
   * Output tokens/s one node adds to the batch-1 bandwidth bound, the definition of the
   * fleet's bound: its memory bandwidth over the weight bytes read per token (every layer and
   * lm_head, one token at a time). Batching reads the weights once for many tokens, so served
   * throughput can exceed it many times over; {@link #tokensPerSecond} is the bound to compare
   * a scheduler against.
   */
  double batchOneTokensPerSecond(NodeSpec node) {
    return bandwidth(node) / ((double) shape.numLayers() * shape.layerWeightBytes() + shape.headBytes());
  }

  /** The node's memory bandwidth, or what its measured layer time implies when it has none. */
  private double bandwidth(NodeSpec node) {
    return node.memoryBandwidth() > 0 ? node.memoryBandwidth() : shape.layerWeightBytes() / node.layerSeconds();
  }

  double context() {
    return context;
  }

  double reserved() {
    return reserved;
  }
}
