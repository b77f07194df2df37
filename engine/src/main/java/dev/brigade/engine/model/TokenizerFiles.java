package dev.brigade.engine.model;

import dev.brigade.engine.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The real Qwen3 tokenizer files shipped in the engine jar, copied into model folders. */
public final class TokenizerFiles {
  public static final String RESOURCE_DIR = "/dev/brigade/engine/qwen3/";
  public static final List<String> FILES = List.of("tokenizer.json", "tokenizer_config.json");
  /** Number of token ids the Qwen3 tokenizer defines (151643 BPE tokens + 26 added tokens). */
  public static final int DEFINED_TOKENS = 151669;

  private TokenizerFiles() {}

  public static void copyTo(Path dir) {
    for (String name : FILES) {
      try (InputStream in = TokenizerFiles.class.getResourceAsStream(RESOURCE_DIR + name)) {
        if (in == null) {
          throw new CheckpointException("resource " + RESOURCE_DIR + name + " missing from the engine jar");
        }
        Files.createDirectories(dir);
        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new CheckpointException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
      }
    }
  }
}
