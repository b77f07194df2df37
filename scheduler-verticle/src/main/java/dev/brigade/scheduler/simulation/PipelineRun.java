package dev.brigade.scheduler.simulation;

import dev.brigade.protocol.plan.Geo;
import dev.brigade.protocol.plan.ModelShape;
import dev.brigade.protocol.plan.NodeSpec;
import dev.brigade.protocol.plan.PipelineSpec;
import dev.brigade.protocol.plan.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * One pipeline as the simulator runs it: a roofline service model and processor sharing.
 *
 * <p>Each stage's time for a micro-batch of m tokens is max((weight bytes + KV bytes read) /
 * memory bandwidth, m * FLOPs / TFLOPS). With b decoding sequences the pipeline keeps
 * min(b, stages) micro-batches in flight, so a token of every sequence takes the larger of one
 * trip around the ring (every stage + hop latency + activation transfer) and the busiest
 * stage's time for all micro-batches: the inter-token latency ITL(b). All decoding sequences
 * advance together at 1/ITL(b) tokens/s, so a sequence's finish is a point on the pipeline's
 * progress counter and only the earliest needs an event.
 */
final class PipelineRun {
  final String id;
  PipelineSpec spec;
  private int k;
  private double[] weightBytes, flops, kvPerContextToken, bandwidth, tflops;
  /** Per stage: seconds to stream its weights, and compute seconds per token. */
  private double[] weightSeconds, tokenComputeSeconds;
  private double hopLatency, transferPerToken;

  final List<Request> members = new ArrayList<>();
  private final PriorityQueue<Request> decoding =
      new PriorityQueue<>((a, b) -> a.finishKey != b.finishKey ? Double.compare(a.finishKey, b.finishKey) : Long.compare(a.id, b.id));
  private double contextSum;
  double progress;
  private double last;
  private double itl;
  /** When the next decoding sequence finishes, and this run's place in the {@link RunHeap}. */
  double nextFinish = Double.POSITIVE_INFINITY;
  int heapIndex = -1;
  boolean frozen;
  boolean ready;

  PipelineRun(PipelineSpec spec, ModelShape shape, Function<String, NodeSpec> nodes, double linkBytesPerSecond, double now) {
    this.id = spec.id();
    this.last = now;
    reshape(spec, shape, nodes, linkBytesPerSecond);
  }

  /** Takes a new layout (after a repair). */
  void reshape(PipelineSpec next, ModelShape shape, Function<String, NodeSpec> nodes, double linkBytesPerSecond) {
    spec = next;
    List<Stage> stages = next.stages();
    k = stages.size();
    weightBytes = new double[k];
    flops = new double[k];
    kvPerContextToken = new double[k];
    bandwidth = new double[k];
    tflops = new double[k];
    hopLatency = 0;
    NodeSpec[] order = new NodeSpec[k];
    for (int i = 0; i < k; i++) {
      Stage s = stages.get(i);
      NodeSpec n = nodes.apply(s.nodeId());
      order[i] = n;
      boolean tail = i == k - 1;
      weightBytes[i] = (double) s.layers() * shape.layerWeightBytes() + (tail ? shape.headBytes() : 0);
      flops[i] = s.layers() * shape.flopsPerTokenPerLayer() + (tail ? shape.headFlopsPerToken() : 0);
      kvPerContextToken[i] = (double) s.layers() * shape.kvBytesPerTokenPerLayer();
      bandwidth[i] = n.memoryBandwidth() > 0 ? n.memoryBandwidth() : shape.layerWeightBytes() / n.layerSeconds();
      tflops[i] = n.flops() > 0 ? n.flops() : Double.POSITIVE_INFINITY;
    }
    weightSeconds = new double[k];
    tokenComputeSeconds = new double[k];
    for (int i = 0; i < k; i++) {
      weightSeconds[i] = weightBytes[i] / bandwidth[i];
      tokenComputeSeconds[i] = flops[i] / tflops[i];
    }
    if (k > 1) for (int i = 0; i < k; i++) hopLatency += Geo.rttSeconds(order[i], order[(i + 1) % k]) / 2;
    transferPerToken = (k - 1) * shape.activationBytesPerToken() / linkBytesPerSecond;
    itl = computeItl();
  }

  int decodingCount() {
    return decoding.size();
  }

  double itl() {
    return itl;
  }

  /** Seconds to prefill a prompt of this many tokens (chunks pipelined through every stage). */
  double prefillSeconds(int tokens) {
    double sum = 0;
    for (int i = 0; i < k; i++) sum += Math.max(weightSeconds[i], tokens * tokenComputeSeconds[i]);
    return sum + hopLatency + tokens * transferPerToken;
  }

  /** Moves the progress counter to {@code now}. */
  void advance(double now) {
    if (!frozen && !decoding.isEmpty() && now > last) progress += (now - last) / itl;
    last = now;
  }

  void addMember(Request r) {
    r.run = this;
    r.slot = members.size();
    members.add(r);
  }

  /** Removes a request from the pipeline (finish or failover); call advance first. */
  void removeMember(Request r) {
    if (r.decoding) {
      if (decoding.peek() == r) decoding.poll();
      else decoding.remove(r);
      contextSum -= r.context;
      r.decoding = false;
      itl = computeItl();
    }
    Request moved = members.removeLast();
    if (moved != r) {
      members.set(r.slot, moved);
      moved.slot = r.slot;
    }
    r.slot = -1;
    r.run = null;
    r.epoch++;
  }

  /** A prefilled request joins the decode batch with {@code remaining} tokens to go; call advance first. */
  void startDecoding(Request r, int remaining) {
    r.decoding = true;
    r.finishKey = progress + remaining;
    r.joinedAt = progress;
    r.context = r.prompt + r.output / 2.0;
    contextSum += r.context;
    decoding.add(r);
    itl = computeItl();
  }

  /** Tokens a decoding request has produced on this pipeline so far (call advance first). */
  int decodedSoFar(Request r) {
    return r.decoding ? (int) Math.floor(progress - r.joinedAt + 1e-9) : 0;
  }

  /** The earliest decoding request if it has finished by the current progress. */
  Request pollFinished() {
    Request first = decoding.peek();
    if (first == null || first.finishKey > progress + 1e-9) return null;
    return first;
  }

  /** Seconds from the last advance until the earliest decoding request finishes; infinite if none. */
  double secondsToNextFinish() {
    Request first = decoding.peek();
    if (first == null || frozen) return Double.POSITIVE_INFINITY;
    return Math.max(0, first.finishKey - progress) * itl;
  }

  private double computeItl() {
    int b = decoding.size();
    int inFlight = Math.max(1, Math.min(b, k));
    int m = Math.max(1, (b + inFlight - 1) / inFlight);
    double context = b == 0 ? 0 : contextSum / b;
    double sum = 0, busiest = 0;
    for (int i = 0; i < k; i++) {
      double memory = (weightBytes[i] + m * context * kvPerContextToken[i]) / bandwidth[i];
      double compute = m * flops[i] / tflops[i];
      double s = Math.max(memory, compute);
      sum += s;
      busiest = Math.max(busiest, s);
    }
    double ring = sum + hopLatency + m * transferPerToken;
    return Math.max(ring, inFlight * busiest);
  }
}
