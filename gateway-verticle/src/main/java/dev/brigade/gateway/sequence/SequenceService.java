package dev.brigade.gateway.sequence;

/**
 * The gateway-side API to the mesh: start a sequence on a healthy pipeline, stream its tokens,
 * cancel it. Failover to another pipeline is invisible to the listener (no token lost or
 * repeated). Call from a Vert.x context; failures to start are reported through onError.
 */
public interface SequenceService {
  SequenceHandle start(SequenceRequest request, SequenceListener listener);

  /** Pipelines that can take a sequence right now. */
  int readyPipelines();
}
