package dev.brigade.engine.text;

/** The shipped tokenizer, loaded once per test JVM (class initialisation is lazy and thread-safe). */
final class SharedTokenizer {
  static final Qwen3Tokenizer INSTANCE = Qwen3Tokenizer.fromResources();

  private SharedTokenizer() {}
}
