package dev.brigade.worker;

import dev.brigade.protocol.control.SliceAssignment;
import io.vertx.core.Future;

/**
 * What runs a worker's slice: loads the layers an assignment names (with a KV cache sized from
 * the memory left), follows a re-routed pipeline without reloading, and unloads.
 */
public interface SliceHost {

  /** Loads {@code a}'s layers, replacing any slice held before. */
  Future<Void> load(SliceAssignment a);

  /** Same pipeline and layers, new neighbours or epoch: keep the weights, update the routing. */
  Future<Void> reroute(SliceAssignment a);

  /** Drops the slice and its KV cache; a no-op when none is loaded. */
  Future<Void> unload();

  /** Sequences whose KV cache this host holds now. */
  int activeSequences();

  /** Bytes of the memory budget in use (weights plus KV cache). */
  long usedBytes();

  /** Tokens of context the loaded slice's KV cache holds (0 when none is loaded). */
  long kvTokens();
}
