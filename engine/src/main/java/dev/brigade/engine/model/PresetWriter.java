package dev.brigade.engine.model;

import dev.brigade.engine.checkpoint.SafetensorsWriter;
import dev.brigade.engine.checkpoint.SyntheticCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a synthetic preset to disk in Hugging Face layout (config.json, generation_config.json,
 * tokenizer files, safetensors with the preset's real shapes), sharded like published
 * checkpoints once it outgrows one shard.
 */
public final class PresetWriter {
  /** Published Qwen3 shards are about 4 GB. */
  public static final long DEFAULT_SHARD_BYTES = 4L << 30;

  private PresetWriter() {}

  public static List<Path> write(String preset, int layers, Path out, long seed) {
    return write(new SyntheticCheckpoint(Presets.get(preset, layers), seed), out, DEFAULT_SHARD_BYTES);
  }

  /** Writes {@code source}'s config and tensors into {@code out}; returns the files written. */
  public static List<Path> write(SyntheticCheckpoint source, Path out, long maxShardBytes) {
    try (source) {
      ModelConfig config = source.config();
      ConfigJson.write(config, out);
      ConfigJson.writeGenerationConfig(config, out);
      TokenizerFiles.copyTo(out);
      List<Path> files =
          new ArrayList<>(SafetensorsWriter.writeModel(out, source.writerTensors(), maxShardBytes));
      files.add(out.resolve(ConfigJson.FILE));
      files.add(out.resolve(ConfigJson.GENERATION_FILE));
      TokenizerFiles.FILES.forEach(f -> files.add(out.resolve(f)));
      return files;
    }
  }
}
