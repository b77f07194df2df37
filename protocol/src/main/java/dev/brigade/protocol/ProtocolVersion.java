package dev.brigade.protocol;

/**
 * The wire protocol version. Every binary frame and every registration carries it; a node that
 * speaks another version is refused with a message naming both versions.
 */
public final class ProtocolVersion {
  private ProtocolVersion() {}

  /** 2: BATCH frames (several messages for one node in one event-bus message). */
  public static final int CURRENT = 2;
}
