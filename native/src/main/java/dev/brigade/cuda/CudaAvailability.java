package dev.brigade.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import jcuda.CudaException;
import jcuda.driver.JCudaDriver;

/**
 * Whether CUDA can run on this host, probed once and cached. Never throws: a missing driver
 * library (libcuda.so.1), no device, or a driver older than CUDA 12.0 (the PTX is ISA 8.0) is
 * a one-line reason instead.
 */
public final class CudaAvailability {
  /** The oldest driver API that loads the shipped PTX (ISA 8.0 = CUDA 12.0). */
  static final int MIN_DRIVER_VERSION = 12000;
  private static String reason;
  private static int deviceCount;
  private static boolean probed;

  private CudaAvailability() {}

  /** True when the driver loads and at least one device is present. */
  public static boolean available() {
    return reason() == null;
  }

  /** Null when CUDA is usable, else why not (one line). */
  public static synchronized String reason() {
    if (!probed) {
      reason = probe();
      probed = true;
    }
    return reason;
  }

  /** Devices the driver reports (0 when unavailable). */
  public static int deviceCount() {
    return available() ? deviceCount : 0;
  }

  private static String probe() {
    try {
      JCudaDriver.setExceptionsEnabled(true);
      cuInit(0);
      int[] version = new int[1];
      cuDriverGetVersion(version);
      if (version[0] < MIN_DRIVER_VERSION) {
        return "the NVIDIA driver supports CUDA " + version[0] / 1000 + "." + version[0] % 1000 / 10
            + ", Brigade's PTX needs 12.0 or newer";
      }
      int[] count = new int[1];
      cuDeviceGetCount(count);
      if (count[0] == 0) {
        return "the NVIDIA driver reports no CUDA device";
      }
      deviceCount = count[0];
      return null;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return "no CUDA driver library (libcuda.so.1) could be loaded: " + firstLine(e);
    } catch (CudaException e) {
      return "the CUDA driver failed to start: " + firstLine(e);
    } catch (RuntimeException e) {
      return "CUDA detection failed: " + firstLine(e);
    }
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).trim();
  }
}
