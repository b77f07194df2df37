package dev.brigade.launcher;

import dev.brigade.engine.model.PresetWriter;
import dev.brigade.engine.model.Presets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code brigade model preset --preset NAME [--layers N] --out DIR [--seed S]}. */
@Command(
    name = "preset",
    mixinStandardHelpOptions = true,
    description = "Write synthetic weights with a published Qwen3 shape (qwen3-0.6b, qwen3-8b,"
        + " qwen3-32b, qwen3-32b-fp8).")
public final class ModelPresetCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", required = true, paramLabel = "NAME", description = "Preset name.")
  String preset;

  @Option(names = "--layers", paramLabel = "N",
      description = "Keep only the first N layers (default: all).")
  int layers;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write.")
  Path out;

  @Option(names = "--seed", paramLabel = "S", description = "Weight seed (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Override
  public Integer call() {
    var config = Presets.get(preset, layers); // validates name and layer count first
    List<Path> files = PresetWriter.write(preset, layers, ModelCommand.outputDir(out), seed);
    var printer = spec.commandLine().getOut();
    printer.printf("wrote %s with %d of %d layers (seed %d) to %s%n", preset, config.numLayers(),
        Presets.get(preset).numLayers(), seed, out.toAbsolutePath());
    ModelCommand.printFiles(printer, files);
    return 0;
  }
}
