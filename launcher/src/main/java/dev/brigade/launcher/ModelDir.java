package dev.brigade.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a --model folder once, at start, with a one-line error. */
final class ModelDir {
  private ModelDir() {}

  static Path check(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--model " + dir + ": no such folder");
    }
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalArgumentException("--model " + dir + ": no config.json in the folder");
    }
    return dir.toAbsolutePath().normalize();
  }
}
