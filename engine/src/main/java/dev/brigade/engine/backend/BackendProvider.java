package dev.brigade.engine.backend;

/**
 * A compute backend found at run time: modules such as {@code native} (CUDA) list an
 * implementation in {@code META-INF/services/dev.brigade.engine.backend.BackendProvider}, and the
 * worker picks one by {@link #name()} with {@link java.util.ServiceLoader}. The CPU backend needs
 * no provider; the worker always has it.
 */
public interface BackendProvider {

  /** The name given to {@code --backend} ("cuda"). */
  String name();

  /** Null when the backend can run here, else why not (no driver, no device, ...). */
  String unavailableReason();

  /** A description of the device for logs and the registry ("NVIDIA H100 80GB"). */
  String device();

  /** Bytes of device memory, or 0 when unknown. */
  long deviceMemoryBytes();

  /** A fresh backend on the device. Called only when {@link #unavailableReason()} is null. */
  Backend create();
}
