package dev.brigade.cuda.kernel;

import java.util.List;

/**
 * Everything one kernel launch needs, decided in plain Java: which module and kernel, the grid
 * and block, and the arguments in order. The CUDA backend launches exactly these plans, so the
 * tests can check every plan (bounds, grid limits, argument types against the PTX) on a
 * machine without a GPU.
 */
public record LaunchPlan(String module, String kernel, int gridX, int gridY, int gridZ,
    int block, List<Arg> args) {
  static final long MAX_GRID_X = Integer.MAX_VALUE;
  static final int MAX_GRID_YZ = 65535;

  public LaunchPlan {
    args = List.copyOf(args);
    if (gridX < 1 || gridY < 1 || gridZ < 1 || gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
      throw new IllegalArgumentException(kernel + ": grid " + gridX + "x" + gridY + "x" + gridZ
          + " outside the device limits (x >= 1, 1 <= y, z <= 65535)");
    }
    if (block < 32 || block > 1024 || block % 32 != 0) {
      throw new IllegalArgumentException(kernel + ": block of " + block + " threads");
    }
  }

  /** Blocks needed to cover {@code n} items with {@code per} items each. */
  static int blocks(long n, long per, String what) {
    long b = (n + per - 1) / per;
    if (b > MAX_GRID_X) {
      throw new IllegalArgumentException(what + ": " + n + " items need too many blocks");
    }
    return (int) Math.max(1, b);
  }
}
