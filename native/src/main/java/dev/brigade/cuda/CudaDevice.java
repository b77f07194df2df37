package dev.brigade.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.brigade.cuda.kernel.Arg;
import dev.brigade.cuda.kernel.Kernels;
import dev.brigade.cuda.kernel.LaunchPlan;
import dev.brigade.cuda.kernel.Mem;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through the JCuda driver API: its primary context (made current on whichever thread
 * calls), the PTX modules, device memory and kernel launches. Everything runs on the default
 * stream in call order; copies to the host wait for the kernels before them.
 */
final class CudaDevice implements Device {
  /** Host-to-device copies go in pieces of this many bytes (bounded heap use for weights). */
  private static final long COPY_CHUNK = 64L << 20;

  private final int index;
  private final CUdevice device = new CUdevice();
  private final CUcontext context = new CUcontext();
  private final Map<String, CUmodule> modules = new HashMap<>();
  private final Map<String, CUfunction> functions = new HashMap<>();
  private boolean closed;

  /** The device with the PTX modules loaded, ready to launch. */
  CudaDevice(int index) {
    this(index, true);
  }

  /** The device; without modules it serves only queries (name, memory). */
  CudaDevice(int index, boolean loadModules) {
    String why = CudaAvailability.reason();
    if (why != null) {
      throw new IllegalStateException("CUDA is not usable here: " + why);
    }
    if (index < 0 || index >= CudaAvailability.deviceCount()) {
      throw new IllegalArgumentException("--device " + index + ": this host has "
          + CudaAvailability.deviceCount() + " CUDA device(s)");
    }
    this.index = index;
    JCudaDriver.setExceptionsEnabled(true);
    cuDeviceGet(device, index);
    cuDevicePrimaryCtxRetain(context, device);
    bind();
    for (List<String> module : loadModules ? Kernels.MODULES : List.<List<String>>of()) {
      CUmodule m = new CUmodule();
      cuModuleLoadData(m, PtxResources.load(module.get(0)));
      modules.put(module.get(0), m);
    }
  }

  @Override
  public int index() {
    return index;
  }

  /** Makes this device's context current on the calling thread (cheap when it already is). */
  void bind() {
    cuCtxSetCurrent(context);
  }

  @Override
  public String name() {
    byte[] name = new byte[256];
    cuDeviceGetName(name, name.length, device);
    int n = 0;
    while (n < name.length && name[n] != 0) {
      n++;
    }
    return new String(name, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
  }

  int attribute(int attribute) {
    int[] v = new int[1];
    cuDeviceGetAttribute(v, attribute, device);
    return v[0];
  }

  /** Peak memory bandwidth in bytes/s from the memory clock and bus width (DDR: x2). */
  @Override
  public double peakBandwidth() {
    double clockKhz = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
    double busBits = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
    return 2.0 * clockKhz * 1000 * busBits / 8;
  }

  /** {free, total} device memory in bytes. */
  @Override
  public long[] memoryInfo() {
    bind();
    long[] free = new long[1];
    long[] total = new long[1];
    cuMemGetInfo(free, total);
    return new long[] {free[0], total[0]};
  }

  /** Zero-filled device memory (at least 4 bytes, so even empty buffers have an address). */
  @Override
  public Mem allocate(String name, long bytes) {
    bind();
    long size = Math.max(4, bytes);
    CUdeviceptr p = new CUdeviceptr();
    cuMemAlloc(p, size);
    cuMemsetD8(p, (byte) 0, size);
    return new Mem(name, p, size);
  }

  @Override
  public void free(Mem mem) {
    if (!closed) {
      bind();
      cuMemFree((CUdeviceptr) mem.handle());
    }
  }

  /** Copies all of {@code src} to {@code dst} at {@code offsetBytes}. */
  @Override
  public void copyIn(MemorySegment src, Mem dst, long offsetBytes) {
    bind();
    long n = src.byteSize();
    if (offsetBytes < 0 || offsetBytes + n > dst.bytes()) {
      throw new IllegalArgumentException("copy of " + n + " bytes at " + offsetBytes
          + " does not fit " + dst.name() + " (" + dst.bytes() + " bytes)");
    }
    CUdeviceptr base = (CUdeviceptr) dst.handle();
    for (long at = 0; at < n; at += COPY_CHUNK) {
      long len = Math.min(COPY_CHUNK, n - at);
      MemorySegment piece = src.asSlice(at, len);
      Pointer host = piece.isNative()
          ? Pointer.to(piece.asByteBuffer())
          : Pointer.to(piece.toArray(ValueLayout.JAVA_BYTE));
      cuMemcpyHtoD(base.withByteOffset(offsetBytes + at), host, len);
    }
  }

  /** Copies {@code dst.byteSize()} bytes from {@code src} at {@code offsetBytes}, after all queued work. */
  @Override
  public void copyOut(Mem src, long offsetBytes, MemorySegment dst) {
    bind();
    long n = dst.byteSize();
    if (offsetBytes < 0 || offsetBytes + n > src.bytes()) {
      throw new IllegalArgumentException("copy of " + n + " bytes at " + offsetBytes
          + " is outside " + src.name() + " (" + src.bytes() + " bytes)");
    }
    CUdeviceptr base = (CUdeviceptr) src.handle();
    for (long at = 0; at < n; at += COPY_CHUNK) {
      long len = Math.min(COPY_CHUNK, n - at);
      byte[] piece = new byte[(int) len];
      cuMemcpyDtoH(Pointer.to(piece), base.withByteOffset(offsetBytes + at), len);
      MemorySegment.copy(MemorySegment.ofArray(piece), 0, dst, at, len);
    }
  }

  /** Launches a plan on the default stream (asynchronous). */
  @Override
  public void launch(LaunchPlan plan) {
    bind();
    CUfunction f = functions.computeIfAbsent(plan.kernel(), k -> {
      CUfunction fn = new CUfunction();
      cuModuleGetFunction(fn, modules.get(plan.module()), k);
      return fn;
    });
    cuLaunchKernel(f, plan.gridX(), plan.gridY(), plan.gridZ(), plan.block(), 1, 1, 0, null,
        parameters(plan), null);
  }

  /** The kernelParams array: one pointer per argument, to its value. */
  static Pointer parameters(LaunchPlan plan) {
    Pointer[] p = new Pointer[plan.args().size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = switch (plan.args().get(i)) {
        case Arg.Ptr ptr -> Pointer.to(
            ((CUdeviceptr) ptr.mem().handle()).withByteOffset(ptr.offsetBytes()));
        case Arg.I32 v -> Pointer.to(new int[] {v.value()});
        case Arg.I64 v -> Pointer.to(new long[] {v.value()});
        case Arg.F32 v -> Pointer.to(new float[] {v.value()});
      };
    }
    return Pointer.to(p);
  }

  @Override
  public void synchronize() {
    bind();
    cuCtxSynchronize();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    bind();
    cuCtxSynchronize();
    for (CUmodule m : modules.values()) {
      cuModuleUnload(m);
    }
    modules.clear();
    functions.clear();
    closed = true;
    cuDevicePrimaryCtxRelease(device);
  }
}
