package dev.brigade.launcher;

import dev.brigade.engine.model.TinyModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code brigade model tiny --out DIR [--fp8] [--seed S]}. */
@Command(
    name = "tiny",
    mixinStandardHelpOptions = true,
    description = "Write the tiny Qwen3 (6 layers, hidden 128, real tokenizer) with random weights.")
public final class ModelTinyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write.")
  Path out;

  @Option(names = "--fp8", description = "Block-quantise the projections to FP8 like Qwen3-32B-FP8.")
  boolean fp8;

  @Option(names = "--seed", paramLabel = "S", description = "Weight seed (default: ${DEFAULT-VALUE}).")
  long seed = TinyModel.DEFAULT_SEED;

  @Override
  public Integer call() {
    List<Path> files = TinyModel.write(ModelCommand.outputDir(out), fp8, seed);
    var printer = spec.commandLine().getOut();
    printer.printf("wrote %s (%s, seed %d) to %s%n", TinyModel.NAME, fp8 ? "fp8" : "bf16", seed,
        out.toAbsolutePath());
    ModelCommand.printFiles(printer, files);
    return 0;
  }
}
