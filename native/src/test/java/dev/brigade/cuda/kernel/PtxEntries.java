package dev.brigade.cuda.kernel;

import dev.brigade.cuda.PtxResources;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kernels of a shipped PTX module and their parameter types, read from the PTX text. */
public final class PtxEntries {
  private static final Pattern ENTRY =
      Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)", Pattern.DOTALL);
  private static final Pattern PARAM = Pattern.compile("\\.param (\\.\\w+) ");

  private PtxEntries() {}

  /** Kernel name to its parameter types (".u64", ".u32", ".f32", ...) in order. */
  public static Map<String, List<String>> of(String module) {
    String ptx = new String(PtxResources.text(module), StandardCharsets.US_ASCII);
    Map<String, List<String>> entries = new LinkedHashMap<>();
    Matcher m = ENTRY.matcher(ptx);
    while (m.find()) {
      List<String> types = new ArrayList<>();
      Matcher p = PARAM.matcher(m.group(2));
      while (p.find()) {
        types.add(p.group(1));
      }
      entries.put(m.group(1), types);
    }
    return entries;
  }
}
