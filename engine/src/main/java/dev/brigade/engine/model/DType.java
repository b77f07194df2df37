package dev.brigade.engine.model;

/** Element types a checkpoint may store, with their safetensors names and sizes in bytes. */
public enum DType {
  BF16("BF16", 2),
  F16("F16", 2),
  F32("F32", 4),
  F8_E4M3("F8_E4M3", 1);

  private final String safetensorsName;
  private final int bytes;

  DType(String safetensorsName, int bytes) {
    this.safetensorsName = safetensorsName;
    this.bytes = bytes;
  }

  public String safetensorsName() {
    return safetensorsName;
  }

  public int bytes() {
    return bytes;
  }

  /** The dtype for a safetensors header name, or null when Brigade does not support it. */
  public static DType fromSafetensors(String name) {
    for (DType t : values()) {
      if (t.safetensorsName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
