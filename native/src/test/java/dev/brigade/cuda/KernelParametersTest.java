package dev.brigade.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.brigade.cuda.kernel.Kernels;
import dev.brigade.cuda.kernel.LaunchPlan;
import dev.brigade.cuda.kernel.Mem;
import dev.brigade.cuda.kernel.WeightKind;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * The last step before cuLaunchKernel: a plan's arguments packed into JCuda's kernelParams
 * (one pointer per argument, device pointers with their byte offsets). Pure Java in JCuda, so
 * it runs without a driver.
 */
class KernelParametersTest {

  private static Mem mem(String name, long bytes) {
    return new Mem(name, new CUdeviceptr(), bytes);
  }

  @Test
  void everyArgumentKindPacksIntoOnePointerEach() {
    LaunchPlan matmul = Kernels.matmul(WeightKind.FP8, mem("w", 256 * 256), mem("s", 16),
        mem("x", 4 * 3 * 256), mem("o", 4 * 3 * 256), 3, 256, 256);
    LaunchPlan norm = Kernels.rmsNorm(mem("x", 4 * 128), WeightKind.BF16, mem("w", 256),
        mem("o", 4 * 128), 1, 128, 1e-6f);
    LaunchPlan silu = Kernels.siluMul(mem("g", 40), mem("u", 40), mem("o", 40), 10);
    for (LaunchPlan p : new LaunchPlan[] {matmul, norm, silu}) {
      Pointer packed = CudaDevice.parameters(p);
      assertNotNull(packed);
    }
    assertEquals(8, matmul.args().size());
  }
}
