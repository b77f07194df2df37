package dev.brigade.engine.testing;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.DeviceBuffer;
import java.lang.foreign.MemorySegment;

/** f32 values into and out of a backend's buffers, for tests of backend ops. */
public final class DeviceBuffers {
  private DeviceBuffers() {}

  /** A new buffer on {@code b} holding {@code values}. */
  public static DeviceBuffer of(Backend b, float... values) {
    DeviceBuffer buf = b.allocate(values.length);
    b.copyIn(MemorySegment.ofArray(values), buf, 0);
    return buf;
  }

  /** The first {@code n} values of {@code buf}. */
  public static float[] read(Backend b, DeviceBuffer buf, int n) {
    float[] out = new float[n];
    b.copyOut(buf, 0, MemorySegment.ofArray(out));
    return out;
  }
}
