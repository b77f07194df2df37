package dev.brigade.cuda;

import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerCompile;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerCreate;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerDestroy;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetCompiledProgram;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetErrorLog;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetErrorLogSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.cuda.kernel.Kernels;
import dev.brigade.cuda.kernel.PtxEntries;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;
import org.junit.jupiter.api.Test;

/**
 * The PTX in the jar loads on drivers for CUDA 12.x and 13.x: ISA 8.0 or lower, target
 * sm_80, every kernel present, and it assembles to a cubin for sm_80 (A100) and sm_90 (H100)
 * with JCuda's bundled PTX compiler (CUDA 12.6, no GPU needed).
 */
class PtxCompilesTest {
  private static final Pattern VERSION = Pattern.compile("(?m)^\\.version (\\d+)\\.(\\d+)$");

  @Test
  void everyModuleDeclaresIsaAtMost80AndTargetsSm80() {
    for (List<String> module : Kernels.MODULES) {
      String ptx = new String(PtxResources.text(module.get(0)), StandardCharsets.US_ASCII);
      Matcher v = VERSION.matcher(ptx);
      assertTrue(v.find(), module.get(0) + " has no .version");
      int version = Integer.parseInt(v.group(1)) * 10 + Integer.parseInt(v.group(2));
      assertTrue(version <= 80, module.get(0) + " declares PTX ISA " + v.group(1) + "."
          + v.group(2));
      assertTrue(ptx.contains("\n.target sm_80"), module.get(0) + " must target sm_80");
    }
  }

  @Test
  void everyKernelIsInItsModule() {
    for (List<String> module : Kernels.MODULES) {
      var entries = PtxEntries.of(module.get(0));
      for (String kernel : module.subList(1, module.size())) {
        assertTrue(entries.containsKey(kernel), kernel + " missing from " + module.get(0)
            + ".ptx, which has " + entries.keySet());
      }
      assertEquals(module.size() - 1, entries.size(), module.get(0) + " has kernels "
          + entries.keySet() + " the launch plans do not know");
    }
  }

  @Test
  void everyModuleCompilesForSm80AndSm90() {
    for (List<String> module : Kernels.MODULES) {
      for (String arch : new String[] {"sm_80", "sm_90"}) {
        byte[] cubin = compile(PtxResources.load(module.get(0)), arch);
        assertTrue(cubin.length > 0, module.get(0) + " for " + arch);
        // an ELF file
        assertEquals(0x7F, cubin[0] & 0xFF);
        assertEquals('E', cubin[1]);
      }
    }
  }

  @Test
  void theCompilerRejectsPtxNewerThanItsIsa() {
    // the guard above means something only if a too-new ISA is really refused
    String ptx = new String(PtxResources.text("rope"), StandardCharsets.US_ASCII)
        .replaceFirst("(?m)^\\.version .*$", ".version 9.9");
    byte[] text = (ptx + "\0").getBytes(StandardCharsets.US_ASCII);
    nvPTXCompilerHandle h = new nvPTXCompilerHandle();
    nvPTXCompilerCreate(h, text.length, text);
    try {
      int status = nvPTXCompilerCompile(h, 1, new String[] {"--gpu-name=sm_90"});
      assertTrue(status != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS, "ISA 9.9 accepted");
    } finally {
      nvPTXCompilerDestroy(h);
    }
  }

  static byte[] compile(byte[] ptx, String arch) {
    nvPTXCompilerHandle h = new nvPTXCompilerHandle();
    assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS,
        nvPTXCompilerCreate(h, ptx.length, ptx));
    try {
      int status = nvPTXCompilerCompile(h, 1, new String[] {"--gpu-name=" + arch});
      if (status != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
        long[] size = new long[1];
        nvPTXCompilerGetErrorLogSize(h, size);
        byte[] log = new byte[(int) size[0] + 1];
        nvPTXCompilerGetErrorLog(h, log);
        throw new AssertionError("PTX compile for " + arch + " failed ("
            + nvPTXCompileResult.stringFor(status) + "): "
            + new String(log, StandardCharsets.US_ASCII).trim());
      }
      long[] size = new long[1];
      nvPTXCompilerGetCompiledProgramSize(h, size);
      byte[] cubin = new byte[(int) size[0]];
      nvPTXCompilerGetCompiledProgram(h, cubin);
      return cubin;
    } finally {
      nvPTXCompilerDestroy(h);
    }
  }
}
