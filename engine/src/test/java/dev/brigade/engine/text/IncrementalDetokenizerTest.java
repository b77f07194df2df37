package dev.brigade.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IncrementalDetokenizerTest {

  static Qwen3Tokenizer tok;

  @BeforeAll
  static void load() {
    tok = SharedTokenizer.INSTANCE;
  }

  private static List<String> stream(int[] ids, boolean skipSpecial) {
    IncrementalDetokenizer d = new IncrementalDetokenizer(tok, skipSpecial);
    List<String> out = new ArrayList<>();
    for (int id : ids) out.add(d.add(id));
    out.add(d.flush());
    return out;
  }

  private static void assertNoHalfCharacters(List<String> pieces) {
    for (String piece : pieces) {
      for (int i = 0; i < piece.length(); i++) {
        char c = piece.charAt(i);
        if (Character.isHighSurrogate(c)) {
          assertTrue(i + 1 < piece.length() && Character.isLowSurrogate(piece.charAt(i + 1)), "split surrogate pair");
          i++;
        } else {
          assertFalse(Character.isLowSurrogate(c), "lone low surrogate");
        }
      }
      assertFalse(piece.contains("\uFFFD"), "replacement character in " + piece);
    }
  }

  @Test
  void holdsTheWaveEmojiUntilItsLastByte() {
    // "Grüß dich 👋 — naïve café": 👋 is spread over tokens 61804 (" " + 2 bytes) and 233.
    int[] ids = {6464, 134215, 28853, 61804, 233, 1959, 94880, 586, 51950};
    List<String> pieces = stream(ids, false);
    assertEquals(" ", pieces.get(3), "the space comes out, the emoji's first bytes wait");
    assertEquals("👋", pieces.get(4));
    assertEquals("Grüß dich 👋 — naïve café", String.join("", pieces));
    assertNoHalfCharacters(pieces);
  }

  @Test
  void familyEmojiWithJoinersStreamsWhole() {
    String text = "emoji 🧪🔬🚀 combos 👩‍👩‍👧‍👦";
    int[] ids = tok.encode(text);
    List<String> pieces = stream(ids, false);
    assertEquals(text, String.join("", pieces));
    assertNoHalfCharacters(pieces);
  }

  @Test
  void skipsSpecialTokensButKeepsThink() {
    int[] ids = tok.encode("<|im_start|>assistant\n<think>\nhm\n</think>\n\nok<|im_end|>");
    assertEquals("assistant\n<think>\nhm\n</think>\n\nok", String.join("", stream(ids, true)));
    assertEquals(tok.decode(ids), String.join("", stream(ids, false)));
  }

  @Test
  void flushTurnsAnUnfinishedCharacterIntoOneReplacement() {
    IncrementalDetokenizer d = new IncrementalDetokenizer(tok, false);
    assertEquals(" ", d.add(61804));
    assertTrue(d.hasPending());
    assertEquals("\uFFFD", d.flush());
    assertFalse(d.hasPending());
    assertEquals("", d.flush());
  }

  @Test
  void matchesWholeDecodeOnRandomTokenStreams() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int iter = 0; iter < 500; iter++) {
      int[] ids = new int[rnd.nextInt(1, 40)];
      for (int i = 0; i < ids.length; i++) {
        // Mostly real tokens, some ids past the vocabulary, some special tokens.
        int pick = rnd.nextInt(20);
        ids[i] = pick == 0 ? rnd.nextInt(151_669, 151_936) : pick == 1 ? rnd.nextInt(151_643, 151_669) : rnd.nextInt(151_643);
      }
      boolean skip = rnd.nextBoolean();
      assertEquals(tok.decode(ids, skip), String.join("", stream(ids, skip)));
    }
  }

  @Test
  void neverEmitsHalfCharactersForEncodedText() {
    SplittableRandom rnd = new SplittableRandom(8);
    for (int iter = 0; iter < 300; iter++) {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < 12; k++) {
        int cp = rnd.nextBoolean() ? rnd.nextInt(0x1F300, 0x1FAFF) : rnd.nextInt(0x4E00, 0x9FFF);
        sb.appendCodePoint(cp);
        if (rnd.nextInt(4) == 0) sb.append(' ');
      }
      String text = sb.toString();
      List<String> pieces = stream(tok.encode(text), false);
      assertEquals(text, String.join("", pieces));
      assertNoHalfCharacters(pieces);
    }
  }
}
