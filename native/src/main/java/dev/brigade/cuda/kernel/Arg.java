package dev.brigade.cuda.kernel;

/** One kernel argument, in the order of the kernel's PTX parameter list. */
public sealed interface Arg {

  /** The PTX parameter type this argument must meet (".u64", ".u32", ".f32"). */
  String ptxType();

  /**
   * A device pointer {@code offsetBytes} into {@code mem}; the kernel touches at most
   * {@code neededBytes} from there.
   */
  record Ptr(String role, Mem mem, long offsetBytes, long neededBytes) implements Arg {
    public Ptr {
      if (offsetBytes < 0 || neededBytes < 0 || offsetBytes + neededBytes > mem.bytes()) {
        throw new IllegalArgumentException(role + ": needs " + neededBytes + " bytes at offset "
            + offsetBytes + " of " + mem.name() + ", which has " + mem.bytes());
      }
    }

    @Override
    public String ptxType() {
      return ".u64";
    }
  }

  record I32(String role, int value) implements Arg {
    @Override
    public String ptxType() {
      return ".u32";
    }
  }

  record I64(String role, long value) implements Arg {
    @Override
    public String ptxType() {
      return ".u64";
    }
  }

  record F32(String role, float value) implements Arg {
    @Override
    public String ptxType() {
      return ".f32";
    }
  }
}
