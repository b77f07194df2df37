package dev.brigade.protocol.control;

/**
 * Control messages travel as JSON bodies with a {@value #TYPE_HEADER} header naming the kind, so
 * one consumer per address can route them with a switch.
 */
public final class ControlMessages {
  private ControlMessages() {}

  public static final String TYPE_HEADER = "type";

  /** Worker -> scheduler. */
  public static final String REGISTER = "register";

  public static final String HEARTBEAT = "heartbeat";
  public static final String SLICE_LOADED = "slice-loaded";

  /** Scheduler -> worker. */
  public static final String ASSIGN = "assign";

  public static final String UNLOAD = "unload";
}
