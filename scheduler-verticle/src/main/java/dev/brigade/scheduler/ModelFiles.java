package dev.brigade.scheduler;

import dev.brigade.protocol.control.ModelCard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a Hugging Face model folder's text files into the card the scheduler publishes. */
public final class ModelFiles {
  private ModelFiles() {}

  /** Throws naming the folder and file when a required file is missing. */
  public static ModelCard card(Path modelDir) {
    String name = modelDir.toAbsolutePath().normalize().getFileName().toString();
    return new ModelCard(
        name,
        required(modelDir, "config.json"),
        required(modelDir, "tokenizer.json"),
        required(modelDir, "tokenizer_config.json"),
        optional(modelDir, "generation_config.json"));
  }

  private static String required(Path dir, String file) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("model folder " + dir + " has no " + file);
    }
    return read(p);
  }

  private static String optional(Path dir, String file) {
    Path p = dir.resolve(file);
    return Files.isRegularFile(p) ? read(p) : null;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
