package dev.brigade.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code brigade model ...}: write model checkpoints that need no download. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Write Qwen3 checkpoints in Hugging Face layout (tiny, or synthetic presets).",
    subcommands = {ModelTinyCommand.class, ModelPresetCommand.class})
public final class ModelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Refuses an --out that is an existing file; the folder is created if missing. */
  static Path outputDir(Path out) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
    }
    return out;
  }

  /** One line per file written, with its size. */
  static void printFiles(PrintWriter out, List<Path> files) {
    for (Path file : files) {
      try {
        out.printf("  %-36s %,15d bytes%n", file.getFileName(), Files.size(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    out.flush();
  }
}
