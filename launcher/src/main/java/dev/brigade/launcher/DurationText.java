package dev.brigade.launcher;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations on the command line: {@code 500ms}, {@code 90s}, {@code 30m}, {@code 1h}, {@code 1d}, or ISO {@code PT1H}. */
final class DurationText {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  private DurationText() {}

  static Duration parse(String option, String text) {
    String t = text == null ? "" : text.trim().toLowerCase();
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim().toUpperCase());
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException(option + " " + text + " is not a duration (examples: 500ms, 90s, 30m, 1h, 1d, PT1H)");
    }
  }
}
