package dev.brigade.gateway.mesh;

import dev.brigade.gateway.sequence.SequenceListener;
import dev.brigade.gateway.sequence.SequenceRequest;
import dev.brigade.protocol.control.PipelineRecord;
import io.vertx.core.Context;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** One sequence as the gateway tracks it, across attempts. Touched only on the service's context. */
final class SequenceRun {
  final SequenceRequest request;
  final SequenceListener listener;
  final Context callerContext;
  /** Pipelines this sequence must not go back to (broken under it, or full). */
  final Set<String> excluded = new HashSet<>();
  int attempt = -1;
  PipelineRecord pipeline;
  /** Releases the routing lease of the current attempt. */
  Runnable releaseLease = () -> {};
  int[] generated = new int[16];
  int generatedCount;
  long lastProgressNanos;
  boolean done;

  SequenceRun(SequenceRequest request, SequenceListener listener, Context callerContext) {
    this.request = request;
    this.listener = listener;
    this.callerContext = callerContext;
  }

  String seqId() {
    return request.requestId();
  }

  void addGenerated(int token) {
    if (generatedCount == generated.length) {
      generated = Arrays.copyOf(generated, generated.length * 2);
    }
    generated[generatedCount++] = token;
  }

  int[] generatedIds() {
    return Arrays.copyOf(generated, generatedCount);
  }
}
