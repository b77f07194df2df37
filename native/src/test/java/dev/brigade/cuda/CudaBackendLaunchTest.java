package dev.brigade.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.BatchLayout;
import dev.brigade.engine.backend.DeviceBuffer;
import dev.brigade.engine.backend.DeviceWeight;
import dev.brigade.engine.backend.KvGeometry;
import dev.brigade.engine.backend.KvStore;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.testing.TinyModelFixture;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * CudaBackend's Java adapter on a host without a GPU, through {@link PlanCheckingDevice}: the
 * tiny model's forward pass (prefill and mixed decode batches, BF16 and FP8, two slices) issues
 * every kernel it needs with plans that match the PTX; batch layouts are uploaded once per
 * forward, not once per layer; bad input is refused before anything is launched; closing frees
 * every allocation. The numbers are not computed here (that needs the GPU tests).
 */
class CudaBackendLaunchTest {

  @Test
  void theTinyModelsForwardPassLaunchesEveryKernelItNeedsWithValidPlans() {
    for (boolean fp8 : new boolean[] {false, true}) {
      PlanCheckingDevice device = new PlanCheckingDevice();
      CudaBackend backend = new CudaBackend(device);
      try (Checkpoint ckpt = Checkpoints.open(TinyModelFixture.path(fp8));
          SliceChain chain = SliceChain.load(ckpt, backend, 3, 64, DType.BF16)) {
        chain.forward(List.of(SliceInput.ofTokens("a", 0, new int[] {1, 2, 3, 4, 5}, true)));
        int before = device.copiesIn.getOrDefault("scratch positions", 0);
        chain.forward(List.of(SliceInput.ofTokens("a", 5, new int[] {6}, true),
            SliceInput.ofTokens("b", 0, new int[] {7, 8, 9}, true)));
        // at most one upload per slice per forward (here the two slices' layouts are equal, so
        // one), shared by the 3 layers' rope, kvWrite and attention - not one per op
        int uploads = device.copiesIn.get("scratch positions") - before;
        assertTrue(uploads >= 1 && uploads <= 2, uploads + " uploads");
        chain.forward(List.of(SliceInput.ofTokens("b", 3, new int[] {10}, true)));
      }
      Set<String> kernels = new TreeSet<>();
      device.launches.forEach(p -> kernels.add(p.kernel()));
      String w = fp8 ? "fp8" : "bf16";
      for (String k : new String[] {"embed", "rmsnorm", "rope", "kv_write", "attention",
          "silu_mul", "add_inplace", "matmul_" + w + "_r1", "matmul_" + w + "_r8"}) {
        assertTrue(kernels.contains(k), k + " not launched; launched " + kernels);
      }
      backend.close();
      assertEquals(0, device.liveAllocations(), "close frees every allocation");
      assertTrue(device.closed);
    }
  }

  private static TensorData f32(String name, long[] shape, float... values) {
    return new TensorData(name, DType.F32, shape, MemorySegment.ofArray(values), null);
  }

  @Test
  void badInputIsRefusedBeforeAnyLaunch() {
    PlanCheckingDevice device = new PlanCheckingDevice();
    try (CudaBackend backend = new CudaBackend(device)) {
      DeviceWeight table = backend.upload(f32("t", new long[] {3, 2}, 1, 2, 3, 4, 5, 6), null);
      DeviceBuffer out = backend.allocate(4);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> backend.embed(table, new int[] {1, 3}, out));
      assertEquals("token id 3 outside the vocabulary of 3", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> backend.matmul(table, backend.allocate(3), out, 2));
      assertEquals("matmul input holds 3 floats, needs 4", e.getMessage());
      KvStore kv = backend.allocateKv(new KvGeometry(1, 1, 2, 2, 4, DType.F32));
      BatchLayout layout = new BatchLayout(1, new int[] {0}, new int[] {8}, new int[] {0},
          new int[] {0}, 1, 4);
      e = assertThrows(IllegalArgumentException.class,
          () -> backend.kvWrite(kv, 0, backend.allocate(2), backend.allocate(2), layout));
      assertEquals("KV slot 8 outside the store", e.getMessage());
      BatchLayout farBlock = new BatchLayout(1, new int[] {0}, new int[] {0}, new int[] {0},
          new int[] {5}, 1, 4);
      e = assertThrows(IllegalArgumentException.class, () -> backend.attention(kv, 0,
          backend.allocate(2), backend.allocate(2), 1, farBlock));
      assertTrue(e.getMessage().contains("outside the KV store"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> backend.gatherRows(out, new int[] {2}, 2, backend.allocate(2)));
      assertThrows(IllegalArgumentException.class, () -> backend.upload(new TensorData("q",
          DType.F8_E4M3, new long[] {2, 2}, MemorySegment.ofArray(new byte[4]), null), null));
      assertEquals(0, device.launches.size());
      // copies are real host copies here: what goes in comes out
      backend.copyIn(MemorySegment.ofArray(new float[] {1.5f, -2f}), out, 1);
      float[] back = new float[4];
      backend.copyOut(out, 0, MemorySegment.ofArray(back));
      assertEquals(List.of(0f, 1.5f, -2f, 0f), List.of(back[0], back[1], back[2], back[3]));
      kv.close();
      table.close();
    }
    assertEquals(0, device.liveAllocations());
  }
}
