package dev.brigade.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.BackendProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Detection never throws, and on a host without an NVIDIA device it says why in one line. */
class CudaAvailabilityTest {

  @Test
  void detectionAnswersWithoutThrowingAndTheReasonIsOneLine() {
    String reason = CudaAvailability.reason();
    assertEquals(reason == null, CudaAvailability.available());
    if (reason != null) {
      assertFalse(reason.isBlank());
      assertFalse(reason.contains("\n"), reason);
      assertEquals(0, CudaAvailability.deviceCount());
    } else {
      assertTrue(CudaAvailability.deviceCount() > 0);
    }
    // asking again gives the cached answer, still without throwing
    assertEquals(reason, CudaAvailability.reason());
  }

  @Test
  void aHostWithoutAnNvidiaDeviceNodeIsUnavailable() {
    if (Files.exists(Path.of("/dev/nvidiactl"))) {
      return; // an NVIDIA driver is loaded here; the GPU tests cover this host
    }
    assertFalse(CudaAvailability.available());
    assertNotNull(CudaAvailability.reason());
  }

  @Test
  void theWorkerFindsTheProviderAndItRefusesToCreateWhereCudaIsMissing() {
    BackendProvider cuda = null;
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals("cuda")) {
        cuda = p;
      }
    }
    assertNotNull(cuda, "META-INF/services lists the CUDA provider");
    if (!CudaAvailability.available()) {
      assertEquals(CudaAvailability.reason(), cuda.unavailableReason());
      IllegalStateException e = assertThrows(IllegalStateException.class, cuda::create);
      assertTrue(e.getMessage().contains(CudaAvailability.reason()), e.getMessage());
    }
  }

  @Test
  void aBadDeviceNumberIsNamed() {
    String old = System.getProperty(CudaBackendProvider.DEVICE_PROPERTY);
    try {
      System.setProperty(CudaBackendProvider.DEVICE_PROPERTY, "x");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          CudaBackendProvider::deviceIndex);
      assertEquals("--device x: not a device number", e.getMessage());
      System.setProperty(CudaBackendProvider.DEVICE_PROPERTY, "99");
      assertNotNull(new CudaBackendProvider().unavailableReason());
    } finally {
      if (old == null) {
        System.clearProperty(CudaBackendProvider.DEVICE_PROPERTY);
      } else {
        System.setProperty(CudaBackendProvider.DEVICE_PROPERTY, old);
      }
    }
  }
}
