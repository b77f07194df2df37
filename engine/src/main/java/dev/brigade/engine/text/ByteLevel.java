package dev.brigade.engine.text;

/**
 * GPT-2's byte-level alphabet: every byte 0..255 is shown as one printable Unicode character, so
 * a BPE vocabulary over these characters can spell any UTF-8 text. Printable Latin-1 bytes map to
 * themselves; the rest (controls, space, a few others) are shifted to U+0100 and up, in byte order.
 */
final class ByteLevel {

  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + shifted++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  static char charOf(int unsignedByte) {
    return BYTE_TO_CHAR[unsignedByte];
  }

  /** The byte a character of the alphabet stands for, or -1 if it is not in the alphabet. */
  static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }
}
