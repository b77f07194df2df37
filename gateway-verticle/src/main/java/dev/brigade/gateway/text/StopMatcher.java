package dev.brigade.gateway.text;

import java.util.List;

/**
 * Finds stop strings in streamed text without ever letting one leak: text that could be the
 * start of a stop string is held back until the next delta shows whether it is one.
 */
public final class StopMatcher {
  /** Text safe to send now, and whether a stop string ended the output. */
  public record Result(String text, boolean stopped) {}

  private final List<String> stops;
  private final StringBuilder held = new StringBuilder();
  private boolean stopped;

  public StopMatcher(List<String> stops) {
    this.stops = List.copyOf(stops);
  }

  public Result push(String delta) {
    if (stopped) return new Result("", true);
    held.append(delta);
    int cut = earliestStop();
    if (cut >= 0) {
      stopped = true;
      String before = held.substring(0, cut);
      held.setLength(0);
      return new Result(before, true);
    }
    int keep = 0;
    for (String stop : stops) keep = Math.max(keep, Prefixes.partialSuffix(held, stop));
    String safe = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return new Result(safe, false);
  }

  /** The output ended without a stop string: whatever was held back is real text. */
  public String flush() {
    String rest = stopped ? "" : held.toString();
    held.setLength(0);
    return rest;
  }

  private int earliestStop() {
    int best = -1;
    for (String stop : stops) {
      int at = held.indexOf(stop);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }
}
