package dev.brigade.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.cuda.kernel.Arg;
import dev.brigade.cuda.kernel.LaunchPlan;
import dev.brigade.cuda.kernel.Mem;
import dev.brigade.cuda.kernel.PtxEntries;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the GPU on hosts without one, for testing CudaBackend's adapter layer up to
 * the driver call: memory is host memory (copies are real), and a launch checks the plan - its
 * arguments against the kernel's parameters in the shipped PTX, every pointer into memory that
 * is still allocated - and records it instead of running the kernel.
 */
final class PlanCheckingDevice implements Device {
  final List<LaunchPlan> launches = new ArrayList<>();
  final Map<String, Integer> copiesIn = new HashMap<>();
  private final Map<Mem, Boolean> live = new IdentityHashMap<>();
  private final Map<String, Map<String, List<String>>> ptx = new HashMap<>();
  boolean closed;

  @Override
  public int index() {
    return 0;
  }

  @Override
  public String name() {
    return "plan-checking stand-in";
  }

  @Override
  public long[] memoryInfo() {
    return new long[] {0, 0};
  }

  @Override
  public double peakBandwidth() {
    return 0;
  }

  @Override
  public Mem allocate(String name, long bytes) {
    Mem m = new Mem(name, MemorySegment.ofArray(new byte[(int) Math.max(4, bytes)]),
        Math.max(4, bytes));
    live.put(m, Boolean.TRUE);
    return m;
  }

  @Override
  public void free(Mem mem) {
    assertNotNull(live.remove(mem), "double free of " + mem.name());
  }

  int liveAllocations() {
    return live.size();
  }

  @Override
  public void copyIn(MemorySegment src, Mem dst, long offsetBytes) {
    assertTrue(live.containsKey(dst), "copy into freed " + dst.name());
    MemorySegment.copy(src, 0, (MemorySegment) dst.handle(), offsetBytes, src.byteSize());
    copiesIn.merge(dst.name(), 1, Integer::sum);
  }

  @Override
  public void copyOut(Mem src, long offsetBytes, MemorySegment dst) {
    assertTrue(live.containsKey(src), "copy from freed " + src.name());
    MemorySegment.copy((MemorySegment) src.handle(), offsetBytes, dst, 0, dst.byteSize());
  }

  @Override
  public void launch(LaunchPlan plan) {
    List<String> params = ptx.computeIfAbsent(plan.module(), PtxEntries::of).get(plan.kernel());
    assertNotNull(params, plan.kernel() + " is not in " + plan.module() + ".ptx");
    List<String> types = new ArrayList<>();
    for (Arg a : plan.args()) {
      types.add(a.ptxType());
      if (a instanceof Arg.Ptr p) {
        assertTrue(live.containsKey(p.mem()), plan.kernel() + " " + p.role() + " points into "
            + "freed memory " + p.mem().name());
      }
    }
    assertEquals(params, types, plan.kernel() + " argument types");
    launches.add(plan);
  }

  @Override
  public void synchronize() {}

  @Override
  public void close() {
    closed = true;
  }
}
