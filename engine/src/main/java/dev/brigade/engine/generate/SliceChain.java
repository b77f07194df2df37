package dev.brigade.engine.generate;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceModel;
import dev.brigade.engine.forward.SliceOptions;
import dev.brigade.engine.forward.SliceOutput;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole model as a chain of slices in one process, passing hidden states from one to the next
 * exactly as the mesh passes them between nodes.
 */
public final class SliceChain implements AutoCloseable {
  private final List<SliceModel> slices;

  public SliceChain(List<SliceModel> slices) {
    if (slices.isEmpty()) {
      throw new IllegalArgumentException("a slice chain needs at least one slice");
    }
    int expected = 0;
    for (SliceModel s : slices) {
      if (s.range().start() != expected) {
        throw new IllegalArgumentException("slices must be contiguous from layer 0; got "
            + s.range() + " after layer " + expected);
      }
      expected = s.range().end();
    }
    if (!slices.getLast().isTail()) {
      throw new IllegalArgumentException("the last slice must end at layer "
          + slices.getFirst().config().numLayers() + ", ends at " + expected);
    }
    this.slices = List.copyOf(slices);
  }

  /**
   * Loads {@code checkpoint} as slices of {@code layersPerSlice} layers (the last may be
   * shorter), each with a KV cache holding {@code contextTokens} tokens.
   */
  public static SliceChain load(Checkpoint checkpoint, Backend backend, int layersPerSlice,
      int contextTokens, DType kvDtype) {
    ModelConfig c = checkpoint.config();
    if (layersPerSlice < 1) {
      throw new IllegalArgumentException("layers per slice must be at least 1, got "
          + layersPerSlice);
    }
    if (contextTokens < 1 || contextTokens > c.maxPositionEmbeddings()) {
      throw new IllegalArgumentException("context of " + contextTokens + " tokens is outside 1.."
          + c.maxPositionEmbeddings());
    }
    int blockSize = SliceOptions.DEFAULT_BLOCK_SIZE;
    long blocks = (contextTokens + blockSize - 1) / blockSize;
    List<SliceModel> slices = new ArrayList<>();
    try {
      for (int start = 0; start < c.numLayers(); start += layersPerSlice) {
        LayerRange range = new LayerRange(start, Math.min(c.numLayers(), start + layersPerSlice));
        long budget = blocks * blockSize * 2L * c.numKvHeads() * c.headDim() * kvDtype.bytes()
            * range.size();
        slices.add(SliceModel.load(checkpoint, range, backend,
            new SliceOptions(budget, blockSize, kvDtype, contextTokens)));
      }
    } catch (RuntimeException e) {
      slices.forEach(SliceModel::close);
      throw e;
    }
    return new SliceChain(slices);
  }

  public List<SliceModel> slices() {
    return slices;
  }

  public ModelConfig config() {
    return slices.getFirst().config();
  }

  /** Runs a batch (token ids) through every slice; returns the tail's outputs, in order. */
  public List<SliceOutput> forward(List<SliceInput> batch) {
    List<SliceOutput> out = slices.getFirst().forward(batch);
    for (int i = 1; i < slices.size(); i++) {
      out = slices.get(i).forward(out.stream().map(SliceOutput::next).toList());
    }
    return out;
  }

  /** Frees the sequence's KV cache in every slice. */
  public void free(String sequenceId) {
    slices.forEach(s -> s.free(sequenceId));
  }

  @Override
  public void close() {
    slices.forEach(SliceModel::close);
  }
}
