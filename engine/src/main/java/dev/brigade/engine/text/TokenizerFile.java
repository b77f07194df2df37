package dev.brigade.engine.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Hugging Face {@code tokenizer.json} a byte-level BPE needs, read with Jackson's
 * streaming parser (the file is 11 MB; a tree would cost several times the time and memory).
 */
record TokenizerFile(
    Map<String, Integer> vocab, List<String[]> merges, List<AddedToken> addedTokens, String modelType) {

  /** An entry of {@code added_tokens}: matched in the raw text before normalisation and BPE. */
  record AddedToken(int id, String content, boolean special) {}

  static TokenizerFile read(InputStream in, String source) throws IOException {
    Map<String, Integer> vocab = new HashMap<>(1 << 18);
    List<String[]> merges = new ArrayList<>(1 << 18);
    List<AddedToken> added = new ArrayList<>();
    String modelType = null;
    try (JsonParser p = new JsonFactory().createParser(in)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, source, "the top level");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "added_tokens" -> readAddedTokens(p, added, source);
          case "model" -> {
            expect(p, p.currentToken(), JsonToken.START_OBJECT, source, "model");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String modelField = p.currentName();
              p.nextToken();
              switch (modelField) {
                case "type" -> modelType = p.getValueAsString();
                case "vocab" -> readVocab(p, vocab, source);
                case "merges" -> readMerges(p, merges, source);
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
    }
    if (vocab.isEmpty()) throw new IOException(source + ": model.vocab is missing or empty");
    return new TokenizerFile(vocab, merges, added, modelType);
  }

  private static void readVocab(JsonParser p, Map<String, Integer> vocab, String source)
      throws IOException {
    expect(p, p.currentToken(), JsonToken.START_OBJECT, source, "model.vocab");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String token = p.currentName();
      if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
        throw new IOException(source + ": model.vocab entry " + token + " is not an integer id");
      }
      vocab.put(token, p.getIntValue());
    }
  }

  /** Merges come as "a b" strings (older files) or as [a, b] arrays (tokenizers >= 0.20). */
  private static void readMerges(JsonParser p, List<String[]> merges, String source)
      throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY, source, "model.merges");
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING) {
        String line = p.getText();
        int space = line.indexOf(' ');
        if (space < 0 || line.indexOf(' ', space + 1) >= 0) {
          throw new IOException(source + ": merge \"" + line + "\" is not two tokens");
        }
        merges.add(new String[] {line.substring(0, space), line.substring(space + 1)});
      } else if (t == JsonToken.START_ARRAY) {
        String[] pair = new String[2];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (n < 2) pair[n] = p.getText();
          n++;
        }
        if (n != 2) throw new IOException(source + ": a merge in model.merges has " + n + " parts");
        merges.add(pair);
      } else {
        throw new IOException(source + ": unexpected " + t + " in model.merges");
      }
    }
  }

  private static void readAddedTokens(JsonParser p, List<AddedToken> added, String source)
      throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY, source, "added_tokens");
    while (p.nextToken() == JsonToken.START_OBJECT) {
      Integer id = null;
      String content = null;
      boolean special = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        switch (f) {
          case "id" -> id = p.getIntValue();
          case "content" -> content = p.getText();
          case "special" -> special = p.getBooleanValue();
          default -> p.skipChildren();
        }
      }
      if (id == null || content == null || content.isEmpty()) {
        throw new IOException(source + ": an added_tokens entry lacks id or content");
      }
      added.add(new AddedToken(id, content, special));
    }
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String source, String where)
      throws IOException {
    if (actual != wanted) {
      throw new IOException(source + ": expected " + wanted + " at " + where + " but found " + actual);
    }
  }
}
