package dev.brigade.engine.backend;

/** An activation buffer in Java heap memory, shared by the host backends. */
final class HostBuffer implements DeviceBuffer {
  final float[] data;

  HostBuffer(long floats) {
    if (floats < 0 || floats > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("activation buffer of " + floats + " floats is too large"
          + " for a host backend (max " + (Integer.MAX_VALUE - 8) + ")");
    }
    this.data = new float[(int) floats];
  }

  @Override
  public long floats() {
    return data.length;
  }

  @Override
  public void close() {
    // Heap memory: the garbage collector takes it back.
  }

  static HostBuffer of(DeviceBuffer buffer, long needed, String what) {
    if (!(buffer instanceof HostBuffer host)) {
      throw new IllegalArgumentException(what + " is not a host buffer: " + buffer);
    }
    if (needed > host.data.length) {
      throw new IllegalArgumentException(
          what + " holds " + host.data.length + " floats, the op needs " + needed);
    }
    return host;
  }
}
