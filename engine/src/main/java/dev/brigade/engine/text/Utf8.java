package dev.brigade.engine.text;

/**
 * UTF-8 helpers that behave like Rust's {@code String::from_utf8_lossy} (which Hugging Face's
 * tokenizers use to decode): each maximal ill-formed subpart becomes one U+FFFD.
 */
final class Utf8 {

  private Utf8() {}

  /**
   * Length of the well-formed-so-far sequence starting at {@code i}: returns a negative number
   * {@code -k} when the bytes from i to the end are a valid but unfinished prefix of k bytes,
   * the full sequence length when complete, or the length of the ill-formed subpart (at least 1)
   * when the bytes can never form a character (the caller then emits one U+FFFD).
   */
  static int sequenceAt(byte[] b, int i, int end) {
    int lead = b[i] & 0xFF;
    if (lead < 0x80) return 1;
    int need;
    int lo = 0x80;
    int hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      need = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      need = 3;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      need = 4;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return 1; // stray continuation byte, overlong lead C0/C1, or F5..FF
    }
    for (int j = 1; j < need; j++) {
      if (i + j >= end) return -j; // ran out of bytes, so far valid
      int c = b[i + j] & 0xFF;
      int min = j == 1 ? lo : 0x80;
      int max = j == 1 ? hi : 0xBF;
      if (c < min || c > max) return j; // maximal subpart ends before c
    }
    return need;
  }

  /** Decodes bytes, turning every maximal ill-formed subpart (also at the end) into U+FFFD. */
  static String decodeLossy(byte[] b, int off, int end) {
    StringBuilder out = new StringBuilder(end - off);
    appendLossy(b, off, end, out);
    return out.toString();
  }

  static void appendLossy(byte[] b, int off, int end, StringBuilder out) {
    int i = off;
    while (i < end) {
      int n = sequenceAt(b, i, end);
      if (n < 0) {
        out.append('\uFFFD');
        i += -n;
      } else if (n == 1 && (b[i] & 0xFF) >= 0x80) {
        out.append('\uFFFD');
        i += 1;
      } else if (isComplete(b, i, n)) {
        out.appendCodePoint(codePoint(b, i, n));
        i += n;
      } else {
        out.append('\uFFFD');
        i += n;
      }
    }
  }

  /**
   * How many bytes from {@code off} can be decoded now: everything except a trailing, so far
   * valid, unfinished character (which the next bytes may complete).
   */
  static int decodablePrefix(byte[] b, int off, int end) {
    int i = off;
    while (i < end) {
      int n = sequenceAt(b, i, end);
      if (n < 0) return i - off;
      i += n;
    }
    return end - off;
  }

  private static boolean isComplete(byte[] b, int i, int n) {
    int lead = b[i] & 0xFF;
    int need = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    return n == need;
  }

  private static int codePoint(byte[] b, int i, int n) {
    int lead = b[i] & 0xFF;
    return switch (n) {
      case 1 -> lead;
      case 2 -> ((lead & 0x1F) << 6) | (b[i + 1] & 0x3F);
      case 3 -> ((lead & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
      default ->
          ((lead & 0x07) << 18)
              | ((b[i + 1] & 0x3F) << 12)
              | ((b[i + 2] & 0x3F) << 6)
              | (b[i + 3] & 0x3F);
    };
  }
}
