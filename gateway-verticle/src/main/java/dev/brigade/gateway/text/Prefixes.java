package dev.brigade.gateway.text;

/** Which end of a text could still grow into a marker (a stop string, a think tag). */
final class Prefixes {
  private Prefixes() {}

  /** Length of the longest suffix of text that is a proper prefix of marker (0 if none). */
  static int partialSuffix(CharSequence text, String marker) {
    int max = Math.min(text.length(), marker.length() - 1);
    for (int len = max; len > 0; len--) {
      if (regionEquals(text, text.length() - len, marker, len)) return len;
    }
    return 0;
  }

  private static boolean regionEquals(CharSequence text, int from, String marker, int len) {
    for (int i = 0; i < len; i++) {
      if (text.charAt(from + i) != marker.charAt(i)) return false;
    }
    return true;
  }
}
