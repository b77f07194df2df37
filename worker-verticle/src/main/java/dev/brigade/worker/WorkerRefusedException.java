package dev.brigade.worker;

/** The scheduler refused this worker; the message is the scheduler's reason. */
public final class WorkerRefusedException extends RuntimeException {
  public WorkerRefusedException(String reason) {
    super("the scheduler refused this worker: " + reason);
  }
}
