package dev.brigade.engine.testing;

import dev.brigade.engine.model.TinyModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The tiny model on disk for tests of any module: written once per JVM (BF16 and FP8 each,
 * seed {@link TinyModel#DEFAULT_SEED}) under the module's {@code target/} and deleted when the
 * JVM exits.
 */
public final class TinyModelFixture {
  private static Path bf16;
  private static Path fp8;

  private TinyModelFixture() {}

  /** The folder of the tiny model (BF16, or FP8 when {@code fp8}). */
  public static synchronized Path path(boolean fp8Weights) {
    if (fp8Weights) {
      if (fp8 == null) {
        fp8 = write(true);
      }
      return fp8;
    }
    if (bf16 == null) {
      bf16 = write(false);
    }
    return bf16;
  }

  private static Path write(boolean fp8Weights) {
    try {
      Path target = Files.createDirectories(Path.of("target"));
      Path dir = Files.createTempDirectory(target, fp8Weights ? "tiny-fp8-" : "tiny-bf16-");
      TinyModel.write(dir, fp8Weights, TinyModel.DEFAULT_SEED);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      return dir.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit; target/ is cleaned by the build anyway
    }
  }
}
