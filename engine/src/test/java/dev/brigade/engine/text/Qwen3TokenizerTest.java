package dev.brigade.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Qwen3TokenizerTest {

  static Qwen3Tokenizer tok;

  @BeforeAll
  static void load() {
    long t0 = System.nanoTime();
    tok = SharedTokenizer.INSTANCE;
    System.out.printf("tokenizer loaded in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  record Case(String text, int[] ids, String decoded) {
    @Override
    public String toString() {
      return text;
    }
  }

  static Stream<Case> cases() throws IOException {
    try (InputStream in = Qwen3TokenizerTest.class.getResourceAsStream("tokenizer_cases.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Case> out = new ArrayList<>();
      for (JsonNode c : root) {
        int[] ids = new int[c.get("ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = c.get("ids").get(i).intValue();
        out.add(new Case(c.get("text").textValue(), ids, c.get("decoded").textValue()));
      }
      return out.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void encodesLikeHuggingFace(Case c) {
    assertArrayEquals(c.ids(), tok.encode(c.text()));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void decodesLikeHuggingFace(Case c) {
    assertEquals(c.decoded(), tok.decode(c.ids()));
  }

  /**
   * 600 random texts and 150 random id lists run through Hugging Face tokenizers 0.23.2 (see
   * src/test/node/tokenizer_cases.js): ids, decode, and decode skipping special tokens.
   */
  @Test
  void matchesHuggingFaceOnRandomReferenceCases() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("tokenizer_reference_cases.json")) {
      root = new ObjectMapper().readTree(in);
    }
    int texts = 0;
    for (JsonNode c : root) {
      int[] ids = new int[c.get("ids").size()];
      for (int i = 0; i < ids.length; i++) ids[i] = c.get("ids").get(i).intValue();
      if (c.has("text")) {
        texts++;
        String text = c.get("text").textValue();
        assertArrayEquals(ids, tok.encode(text), () -> "encode " + escape(text));
      }
      assertEquals(c.get("decoded").textValue(), tok.decode(ids), () -> "decode " + c.get("ids"));
      assertEquals(c.get("decoded_skip_special").textValue(), tok.decode(ids, true), () -> "skip " + c.get("ids"));
    }
    assertEquals(600, texts);
    assertEquals(750, root.size());
  }

  @Test
  void specialTokensAndSizes() {
    assertEquals(151669, tok.vocabSize());
    assertEquals(151644, tok.imStartId());
    assertEquals(151645, tok.imEndId());
    assertEquals(151643, tok.endOfTextId());
    assertEquals(151667, tok.thinkId());
    assertEquals(151668, tok.endThinkId());
    assertEquals(151644, tok.idOf("<|im_start|>"));
    assertEquals(9707, tok.idOf("Hello"));
    assertEquals(-1, tok.idOf("no such token here"));
    assertTrue(tok.isSpecial(tok.imEndId()));
    assertFalse(tok.isSpecial(tok.thinkId()));
    assertTrue(tok.isAdded(tok.thinkId()));
    assertFalse(tok.isSpecial(9707));
  }

  @Test
  void decodeSkipsSpecialOnlyWhenAsked() {
    int[] ids = tok.encode("<|im_start|>assistant\n<think>\nx\n</think>\n\nHi<|im_end|>");
    assertEquals("assistant\n<think>\nx\n</think>\n\nHi", tok.decode(ids, true));
    assertEquals("<|im_start|>assistant\n<think>\nx\n</think>\n\nHi<|im_end|>", tok.decode(ids));
  }

  @Test
  void decodeSkipsIdsBeyondTheVocabularyAndReplacesBrokenUtf8() {
    // 151700 is inside Qwen3's 151936-row embedding but names no token.
    assertEquals("Hi", tok.decode(new int[] {151700, 13048}));
    // 61804 is " " plus the first bytes of the wave emoji: alone its character is unfinished.
    assertEquals(" \uFFFD", tok.decode(new int[] {61804}));
  }

  @Test
  void specialTokensAreMatchedLongestFirstAndLiterally() {
    assertArrayEquals(new int[] {151657, 151658}, tok.encode("<tool_call></tool_call>"));
    // A near miss is ordinary text.
    int[] ids = tok.encode("<|im_start|");
    for (int id : ids) assertFalse(tok.isAdded(id));
    assertEquals("<|im_start|", tok.decode(ids));
  }

  @Test
  void normalisesToNfcBeforeSplitting() {
    String decomposed = "cafe\u0301";
    assertArrayEquals(tok.encode("caf\u00e9"), tok.encode(decomposed));
  }

  @Test
  void roundTripsRandomUnicode() {
    SplittableRandom rnd = new SplittableRandom(42);
    String[] fragments = {" ", "  ", "\n", "\r\n", "\t", "'s", "'LL", "123", "e\u0301", "👋", "👩‍👧", "中文", "Ωmega", "\u00a0", "\u3000", "--", "ſ"};
    for (int iter = 0; iter < 2000; iter++) {
      StringBuilder sb = new StringBuilder();
      int parts = rnd.nextInt(1, 20);
      for (int p = 0; p < parts; p++) {
        if (rnd.nextInt(3) == 0) {
          sb.append(fragments[rnd.nextInt(fragments.length)]);
        } else {
          int cp = randomCodePoint(rnd);
          sb.appendCodePoint(cp);
        }
      }
      String s = sb.toString();
      assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), tok.decode(tok.encode(s)), () -> "for " + escape(s));
    }
  }

  @Test
  void roundTripsAroundAddedTokens() {
    SplittableRandom rnd = new SplittableRandom(7);
    String[] specials = {"<|im_start|>", "<|im_end|>", "<think>", "</think>", "<tool_call>", "<|endoftext|>"};
    for (int iter = 0; iter < 300; iter++) {
      StringBuilder sb = new StringBuilder();
      for (int p = 0; p < 6; p++) {
        sb.append(rnd.nextBoolean() ? "word " : "x\n");
        sb.append(specials[rnd.nextInt(specials.length)]);
      }
      String s = sb.toString();
      int[] ids = tok.encode(s);
      assertEquals(s, tok.decode(ids));
      int addedCount = 0;
      for (int id : ids) if (tok.isAdded(id)) addedCount++;
      assertEquals(6, addedCount, s);
    }
  }

  @Test
  void longWordsEncode() {
    String longWord = "a".repeat(20_000) + " " + "9".repeat(5000) + " " + "🚀".repeat(3000);
    int[] ids = tok.encode(longWord);
    assertEquals(longWord, tok.decode(ids));
  }

  @Test
  void loadsMergesWrittenAsStrings(@TempDir Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root;
    try (InputStream in = Qwen3Tokenizer.class.getResourceAsStream(Qwen3Tokenizer.RESOURCE_DIR + "tokenizer.json")) {
      root = (ObjectNode) json.readTree(in);
    }
    ArrayNode merges = (ArrayNode) root.get("model").get("merges");
    ArrayNode asStrings = json.createArrayNode();
    for (JsonNode pair : merges) asStrings.add(pair.get(0).textValue() + " " + pair.get(1).textValue());
    ((ObjectNode) root.get("model")).set("merges", asStrings);
    Path file = dir.resolve("tokenizer.json");
    json.writeValue(file.toFile(), root);
    Qwen3Tokenizer fromStrings = Qwen3Tokenizer.load(file);
    for (Case c : cases().toList()) assertArrayEquals(c.ids(), fromStrings.encode(c.text()), c.text());
  }

  @Test
  void loadErrorsNameTheFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("tokenizer.json");
    IOException e = assertThrows(IOException.class, () -> Qwen3Tokenizer.load(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Files.writeString(missing, "{\"model\": {\"vocab\": ");
    e = assertThrows(IOException.class, () -> Qwen3Tokenizer.load(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Files.writeString(missing, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
    e = assertThrows(IOException.class, () -> Qwen3Tokenizer.load(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  private static int randomCodePoint(SplittableRandom rnd) {
    while (true) {
      int cp =
          switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextInt(0x20, 0x7F);
            case 1 -> rnd.nextInt(0, 0x800);
            case 2 -> rnd.nextInt(0x800, 0x10000);
            case 3 -> rnd.nextInt(0x1F300, 0x1FAFF);
            default -> rnd.nextInt(0x10000, 0x110000);
          };
      if (cp < 0xD800 || cp > 0xDFFF) return cp;
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp > 0x7E ? String.format("\\u{%x}", cp) : String.valueOf((char) cp)));
    return sb.toString();
  }
}
