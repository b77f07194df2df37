package dev.brigade.worker;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses memory sizes such as {@code 8GiB}, {@code 512MiB}, {@code 1.5GB} or {@code 1048576}. */
public final class MemorySize {
  private static final Pattern FORMAT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
  private static final Map<String, Long> UNITS = Map.of(
      "", 1L, "b", 1L,
      "kib", 1L << 10, "mib", 1L << 20, "gib", 1L << 30, "tib", 1L << 40,
      "kb", 1_000L, "mb", 1_000_000L, "gb", 1_000_000_000L, "tb", 1_000_000_000_000L);

  private MemorySize() {}

  /** Bytes in {@code text}; throws naming the value when it is not a positive size. */
  public static long parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("--memory is empty; give a size such as 8GiB");
    }
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--memory " + text + " is not a size such as 8GiB or 512MiB");
    }
    Long unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
    if (unit == null) {
      throw new IllegalArgumentException("--memory " + text + ": unknown unit " + m.group(2)
          + " (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)");
    }
    double bytes = Double.parseDouble(m.group(1)) * unit;
    if (bytes < 1 || bytes > Long.MAX_VALUE) {
      throw new IllegalArgumentException("--memory " + text + " is out of range");
    }
    return (long) bytes;
  }

  /** A size for humans, in GiB/MiB/KiB. */
  public static String format(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
