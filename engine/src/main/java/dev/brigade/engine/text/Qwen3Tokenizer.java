package dev.brigade.engine.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Qwen3's byte-level BPE tokenizer, read from a Hugging Face {@code tokenizer.json} and matching
 * the {@code tokenizers} library (encode without extra special tokens, decode without skipping):
 *
 * <ol>
 *   <li>added tokens ({@code <|im_start|>}, {@code <think>}, ...) are cut out of the raw text
 *       first, leftmost-longest;
 *   <li>the text between them is NFC-normalised and split by Qwen's pre-tokenizer regex;
 *   <li>each piece's UTF-8 bytes start as one symbol per byte and are merged by BPE rank.
 * </ol>
 *
 * Immutable and thread-safe (the per-piece merge cache is concurrent).
 */
public final class Qwen3Tokenizer {

  /** Resource path of the tokenizer files shipped with the engine. */
  public static final String RESOURCE_DIR = "/dev/brigade/engine/qwen3/";

  /**
   * Qwen's split pattern from tokenizer.json. Java needs UNICODE_CHARACTER_CLASS so that \s is
   * Unicode White_Space, as in the Oniguruma engine the tokenizers library uses.
   */
  private static final Pattern PRE_TOKENIZER =
      Pattern.compile(
          "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
              + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private static final int CACHE_LIMIT = 100_000;
  private static final int CACHEABLE_PIECE_LENGTH = 256;

  private final Map<String, Integer> tokenToId;
  private final byte[][] idToBytes;
  private final boolean[] special;
  private final boolean[] added;
  private final int[] byteSymbol = new int[256];
  private final MergeTable merges;
  /** Added tokens by first character, longest first. */
  private final Map<Character, TokenizerFile.AddedToken[]> addedByFirstChar;
  private final ConcurrentHashMap<String, int[]> pieceCache = new ConcurrentHashMap<>();
  private final int imStart;
  private final int imEnd;
  private final int endOfText;
  private final int think;
  private final int endThink;

  private Qwen3Tokenizer(TokenizerFile file, String source) throws IOException {
    if (file.modelType() != null && !file.modelType().equals("BPE")) {
      throw new IOException(source + ": model.type is " + file.modelType() + ", expected BPE");
    }
    Map<String, Integer> vocab = file.vocab();
    int[] byteSymbols = new int[256];
    for (int b = 0; b < 256; b++) {
      Integer id = vocab.get(String.valueOf(ByteLevel.charOf(b)));
      if (id == null) throw new IOException(source + ": vocab lacks the token for byte " + b);
      byteSymbols[b] = id;
    }
    merges = new MergeTable(file.merges().size());
    int rank = 0;
    for (String[] pair : file.merges()) {
      Integer left = vocab.get(pair[0]);
      Integer right = vocab.get(pair[1]);
      Integer merged = vocab.get(pair[0] + pair[1]);
      if (left == null || right == null || merged == null) {
        throw new IOException(
            source + ": merge \"" + pair[0] + " " + pair[1] + "\" uses a token missing from the vocab");
      }
      merges.add(left, right, rank++, merged);
    }
    // From here on the map also holds the added tokens (so idOf finds them).
    tokenToId = vocab;
    for (TokenizerFile.AddedToken t : file.addedTokens()) tokenToId.put(t.content(), t.id());
    int size = 0;
    for (int id : tokenToId.values()) {
      if (id < 0) throw new IOException(source + ": negative token id " + id);
      size = Math.max(size, id + 1);
    }
    idToBytes = new byte[size][];
    special = new boolean[size];
    added = new boolean[size];
    for (Map.Entry<String, Integer> e : tokenToId.entrySet()) {
      idToBytes[e.getValue()] = bytesOfToken(e.getKey());
    }
    for (TokenizerFile.AddedToken t : file.addedTokens()) {
      idToBytes[t.id()] = bytesOfToken(t.content());
      special[t.id()] = t.special();
      added[t.id()] = true;
    }
    System.arraycopy(byteSymbols, 0, byteSymbol, 0, 256);
    Map<Character, List<TokenizerFile.AddedToken>> byFirst = new HashMap<>();
    for (TokenizerFile.AddedToken t : file.addedTokens()) {
      byFirst.computeIfAbsent(t.content().charAt(0), c -> new ArrayList<>()).add(t);
    }
    addedByFirstChar = new HashMap<>();
    byFirst.forEach(
        (c, list) -> {
          list.sort(Comparator.comparingInt((TokenizerFile.AddedToken t) -> t.content().length()).reversed());
          addedByFirstChar.put(c, list.toArray(TokenizerFile.AddedToken[]::new));
        });
    imStart = requiredId("<|im_start|>", source);
    imEnd = requiredId("<|im_end|>", source);
    endOfText = requiredId("<|endoftext|>", source);
    think = requiredId("<think>", source);
    endThink = requiredId("</think>", source);
  }

  /** Loads a {@code tokenizer.json}; errors name the file. */
  public static Qwen3Tokenizer load(Path tokenizerJson) throws IOException {
    String source = tokenizerJson.toString();
    try (InputStream in = Files.newInputStream(tokenizerJson)) {
      return new Qwen3Tokenizer(TokenizerFile.read(in, source), source);
    } catch (NoSuchFileException e) {
      throw new IOException("tokenizer file not found: " + source, e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The real Qwen3 tokenizer shipped inside the engine jar. */
  public static Qwen3Tokenizer fromResources() {
    String resource = RESOURCE_DIR + "tokenizer.json";
    try (InputStream in = Qwen3Tokenizer.class.getResourceAsStream(resource)) {
      if (in == null) throw new IOException("resource missing: " + resource);
      return new Qwen3Tokenizer(TokenizerFile.read(new java.io.BufferedInputStream(in, 1 << 16), resource), resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Token ids of {@code text}; special-token strings in the text become their ids. */
  public int[] encode(String text) {
    IntList out = new IntList(Math.max(16, text.length() / 3));
    int segmentStart = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      TokenizerFile.AddedToken match = addedTokenAt(text, i);
      if (match == null) {
        i++;
        continue;
      }
      encodeOrdinary(text.substring(segmentStart, i), out);
      out.add(match.id());
      i += match.content().length();
      segmentStart = i;
    }
    encodeOrdinary(text.substring(segmentStart), out);
    return out.toArray();
  }

  /** Text of the ids, special tokens included; ids outside the vocabulary are skipped (as HF does). */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /** Text of the ids; with {@code skipSpecial}, tokens flagged special (not {@code <think>}) are left out. */
  public String decode(int[] ids, boolean skipSpecial) {
    byte[] buf = new byte[ids.length * 4 + 16];
    int len = 0;
    for (int id : ids) {
      byte[] b = bytesOf(id, skipSpecial);
      if (b == null) continue;
      if (len + b.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + b.length));
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }
    return Utf8.decodeLossy(buf, 0, len);
  }

  /** Number of token ids (vocabulary plus added tokens); the model's embedding may be larger. */
  public int vocabSize() {
    return idToBytes.length;
  }

  /** The id of a token spelled in the byte-level alphabet (or an added token's text), or -1. */
  public int idOf(String token) {
    Integer id = tokenToId.get(token);
    return id == null ? -1 : id;
  }

  /** True for added tokens flagged special (e.g. {@code <|im_end|>}); false for {@code <think>}. */
  public boolean isSpecial(int id) {
    return id >= 0 && id < special.length && special[id];
  }

  /** True for any added token (special or not), which BPE never produces. */
  public boolean isAdded(int id) {
    return id >= 0 && id < added.length && added[id];
  }

  public int imStartId() {
    return imStart;
  }

  public int imEndId() {
    return imEnd;
  }

  public int endOfTextId() {
    return endOfText;
  }

  public int thinkId() {
    return think;
  }

  public int endThinkId() {
    return endThink;
  }

  /** The UTF-8 bytes a token stands for, or null if it is unknown or skipped as special. */
  byte[] bytesOf(int id, boolean skipSpecial) {
    if (id < 0 || id >= idToBytes.length) return null;
    if (skipSpecial && special[id]) return null;
    return idToBytes[id];
  }

  private TokenizerFile.AddedToken addedTokenAt(String text, int i) {
    TokenizerFile.AddedToken[] candidates = addedByFirstChar.get(text.charAt(i));
    if (candidates == null) return null;
    for (TokenizerFile.AddedToken t : candidates) {
      if (text.startsWith(t.content(), i)) return t;
    }
    return null;
  }

  private void encodeOrdinary(String segment, IntList out) {
    if (segment.isEmpty()) return;
    String normalized = Normalizer.normalize(segment, Normalizer.Form.NFC);
    Matcher m = PRE_TOKENIZER.matcher(normalized);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) encodePiece(normalized.substring(last, m.start()), out);
      encodePiece(m.group(), out);
      last = m.end();
    }
    if (last < normalized.length()) encodePiece(normalized.substring(last), out);
  }

  private void encodePiece(String piece, IntList out) {
    if (piece.length() > CACHEABLE_PIECE_LENGTH) {
      out.addAll(bpe(piece));
      return;
    }
    int[] ids = pieceCache.get(piece);
    if (ids == null) {
      ids = bpe(piece);
      if (pieceCache.size() >= CACHE_LIMIT) pieceCache.clear();
      pieceCache.put(piece, ids);
    }
    out.addAll(ids);
  }

  private int[] bpe(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    int[] symbols = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) symbols[i] = byteSymbol[bytes[i] & 0xFF];
    return BpeWord.merge(symbols, merges);
  }

  private int requiredId(String token, String source) throws IOException {
    Integer id = tokenToId.get(token);
    if (id == null) throw new IOException(source + ": not a Qwen3 tokenizer, it lacks " + token);
    return id;
  }

  /**
   * A token's bytes as the ByteLevel decoder sees them: each character mapped back to its byte,
   * or, if any character is outside the byte alphabet, the token's own UTF-8 (as HF does).
   */
  private static byte[] bytesOfToken(String token) {
    byte[] out = new byte[token.length()];
    for (int i = 0; i < token.length(); i++) {
      int b = ByteLevel.byteOf(token.charAt(i));
      if (b < 0) return token.getBytes(StandardCharsets.UTF_8);
      out[i] = (byte) b;
    }
    return out;
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] a;
    private int size;

    IntList(int capacity) {
      a = new int[capacity];
    }

    void add(int v) {
      if (size == a.length) a = Arrays.copyOf(a, size * 2);
      a[size++] = v;
    }

    void addAll(int[] vs) {
      if (size + vs.length > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, size + vs.length));
      System.arraycopy(vs, 0, a, size, vs.length);
      size += vs.length;
    }

    int[] toArray() {
      return Arrays.copyOf(a, size);
    }
  }
}
