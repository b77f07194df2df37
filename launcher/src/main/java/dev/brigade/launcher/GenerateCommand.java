package dev.brigade.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.BackendProvider;
import dev.brigade.engine.backend.CpuBackend;
import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.generate.Generator;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.text.IncrementalDetokenizer;
import dev.brigade.engine.text.Qwen3Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade generate}: runs a model in this process as a chain of layer slices (hidden
 * states passed between them as the mesh passes them) and prints the continuation.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate tokens with a local model in one process, no cluster.")
public final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Hugging Face model folder (config.json, safetensors, tokenizer.json).")
  Path model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--prompt", paramLabel = "TEXT",
        description = "Raw text to continue (tokenized as is, no chat template).")
    String prompt;

    @Option(names = "--tokens", paramLabel = "IDS", description = "Prompt token ids: 1,2,3.")
    String tokens;
  }

  @Option(names = "--max-tokens", required = true, paramLabel = "N",
      description = "Most tokens to generate.")
  int maxTokens;

  @Option(names = "--temperature", defaultValue = "0", paramLabel = "T",
      description = "Sampling temperature; 0 (default) is greedy.")
  double temperature;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Sampling seed (default 0).")
  long seed;

  @Option(names = "--layers-per-slice", paramLabel = "K",
      description = "Run the model as a chain of K-layer slices (default: one slice).")
  Integer layersPerSlice;

  @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
      description = "cpu (default, SIMD on all cores), scalar (the reference loops), or a "
          + "provided backend such as cuda.")
  String backendName;

  @Option(names = "--json", description = "Print {\"token_ids\":[...],\"text\":\"...\"}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(model)) {
      throw new IllegalArgumentException("model directory not found: " + model);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
    }
    Path tokenizerJson = model.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException("model directory " + model + " has no tokenizer.json");
    }
    Qwen3Tokenizer tokenizer = Qwen3Tokenizer.load(tokenizerJson);
    int[] prompt = input.prompt != null ? tokenizer.encode(input.prompt) : parseIds(input.tokens);
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt has no tokens");
    }
    SamplingParams params = new SamplingParams(temperature, 0, 1, 0, 1, 0, 0, seed, -1);

    PrintWriter out = spec.commandLine().getOut();
    try (Backend backend = backend(backendName);
        Checkpoint checkpoint = Checkpoints.open(model)) {
      ModelConfig config = checkpoint.config();
      int k = layersPerSlice == null ? config.numLayers() : layersPerSlice;
      if (k < 1 || k > config.numLayers()) {
        throw new IllegalArgumentException("--layers-per-slice must be in 1.."
            + config.numLayers() + ", got " + k);
      }
      long context = (long) prompt.length + maxTokens;
      if (context > config.maxPositionEmbeddings()) {
        throw new IllegalArgumentException("prompt (" + prompt.length + " tokens) plus "
            + "--max-tokens " + maxTokens + " exceeds the model's context of "
            + config.maxPositionEmbeddings());
      }
      Set<Integer> stops = new HashSet<>();
      stops.add(config.eosTokenId());
      stops.add(tokenizer.endOfTextId());
      stops.add(tokenizer.imEndId());
      try (SliceChain chain = SliceChain.load(checkpoint, backend, k, (int) context,
          DType.BF16)) {
        IncrementalDetokenizer detok = new IncrementalDetokenizer(tokenizer, false);
        int[] ids = new Generator(chain).generate("generate", prompt, maxTokens, params, stops,
            token -> {
              if (!json) {
                out.print(detok.add(token));
                out.flush();
              }
            });
        if (json) {
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("token_ids", ids);
          result.put("text", tokenizer.decode(ids));
          out.println(new ObjectMapper().writeValueAsString(result));
        } else {
          out.println(detok.flush());
        }
        out.flush();
      }
    }
    return 0;
  }

  /** cpu, scalar, or a backend another module provides (cuda) through a BackendProvider. */
  private static Backend backend(String name) {
    switch (name) {
      case "cpu":
        return new CpuBackend();
      case "scalar":
        return new ScalarBackend();
      default:
        List<String> known = new ArrayList<>(List.of("cpu", "scalar"));
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
          if (provider.name().equals(name)) {
            String reason = provider.unavailableReason();
            if (reason != null) {
              throw new IllegalArgumentException("--backend " + name + " cannot run here: "
                  + reason);
            }
            return provider.create();
          }
          known.add(provider.name());
        }
        throw new IllegalArgumentException("unknown --backend '" + name + "' (expected "
            + String.join(", ", known) + ")");
    }
  }

  static int[] parseIds(String text) {
    String[] parts = text.split(",");
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        ids[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--tokens: '" + parts[i].strip()
            + "' is not a token id (expected e.g. 1,2,3)");
      }
    }
    return ids;
  }
}
