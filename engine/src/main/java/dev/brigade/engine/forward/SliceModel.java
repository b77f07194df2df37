package dev.brigade.engine.forward;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.BatchLayout;
import dev.brigade.engine.backend.DeviceBuffer;
import dev.brigade.engine.backend.DeviceWeight;
import dev.brigade.engine.backend.KvGeometry;
import dev.brigade.engine.backend.KvStore;
import dev.brigade.engine.backend.RopeTable;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.CheckpointException;
import dev.brigade.engine.checkpoint.TensorData;
import dev.brigade.engine.kv.KvExtent;
import dev.brigade.engine.kv.PagedKvCache;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.LayerTensor;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.Qwen3TensorNames;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The Qwen3 decoder layers of one {@link LayerRange} on one {@link Backend}, with their paged KV
 * cache; plus the token embeddings when the range is the head, and the final norm and lm_head
 * when it is the tail. {@link #forward} runs one batch that may mix prefill chunks and decode
 * steps of different sequences.
 *
 * <p>The math follows transformers' Qwen3: pre-norm residual blocks, RMSNorm in fp32, q_norm and
 * k_norm per head before rotate-half RoPE, GQA, causal softmax, SwiGLU MLP. Every step is one
 * backend op; this class never touches the numbers itself.
 *
 * <p>Thread-safe by exclusion: {@link #forward}, {@link #free} and {@link #memory} run one at a
 * time, so a free arriving from another thread waits for the forward in progress.
 */
public final class SliceModel implements AutoCloseable {
  private final ModelConfig config;
  private final LayerRange range;
  private final Backend backend;
  private final RopeTable rope;
  private final float eps;

  private final DeviceWeight embedding; // [vocab, hidden], head only
  private final LayerWeights[] layers;
  private final DeviceWeight finalNorm; // [hidden], tail only
  private final DeviceWeight lmHead; // [vocab, hidden], tail only (the embedding when tied)

  private final PagedKvCache kvCache;
  private final KvStore kvStore;

  // Scratch activations, sized for `capacity` rows and `logitCapacity` logit rows.
  private int capacity;
  private int logitCapacity;
  private DeviceBuffer x; // [rows, hidden] the residual stream
  private DeviceBuffer xb; // [rows, hidden] normed input / projection output
  private DeviceBuffer q; // [rows, heads * headDim]
  private DeviceBuffer k; // [rows, kvHeads * headDim]
  private DeviceBuffer v; // [rows, kvHeads * headDim]
  private DeviceBuffer att; // [rows, heads * headDim]
  private DeviceBuffer hb; // [rows, intermediate]
  private DeviceBuffer hb2; // [rows, intermediate]
  private DeviceBuffer last; // [logitRows, hidden] last position of each entry wanting logits
  private DeviceBuffer logits; // [logitRows, vocab]

  private SliceModel(ModelConfig config, LayerRange range, Backend backend,
      DeviceWeight embedding, LayerWeights[] layers, DeviceWeight finalNorm, DeviceWeight lmHead,
      PagedKvCache kvCache, KvStore kvStore) {
    this.config = config;
    this.range = range;
    this.backend = backend;
    this.rope = RopeTable.of(config);
    this.eps = (float) config.rmsNormEps();
    this.embedding = embedding;
    this.layers = layers;
    this.finalNorm = finalNorm;
    this.lmHead = lmHead;
    this.kvCache = kvCache;
    this.kvStore = kvStore;
  }

  /**
   * Loads the weights of {@code range} (and embeddings / final norm + lm_head when head / tail)
   * from {@code checkpoint} onto {@code backend}, reading no other tensor, and allocates a KV
   * cache within {@code options}' byte budget. The checkpoint may be closed afterwards.
   */
  public static SliceModel load(Checkpoint checkpoint, LayerRange range, Backend backend,
      SliceOptions options) {
    ModelConfig c = checkpoint.config();
    if (range.end() > c.numLayers()) {
      throw new IllegalArgumentException("layer range " + range + " is outside the model's "
          + c.numLayers() + " layers");
    }
    if (c.numHeads() % c.numKvHeads() != 0) {
      throw new IllegalArgumentException("attention heads " + c.numHeads()
          + " are not a multiple of KV heads " + c.numKvHeads());
    }
    List<DeviceWeight> loaded = new ArrayList<>();
    try {
      WeightLoader w = new WeightLoader(checkpoint, backend, loaded);
      DeviceWeight embedding = null;
      if (range.isHead()) {
        embedding = w.load(Qwen3TensorNames.EMBED_TOKENS);
      }
      LayerWeights[] layers = new LayerWeights[range.size()];
      for (int l = range.start(); l < range.end(); l++) {
        layers[l - range.start()] = new LayerWeights(
            w.load(LayerTensor.INPUT_NORM.name(l)),
            w.load(LayerTensor.Q_PROJ.name(l)),
            w.load(LayerTensor.K_PROJ.name(l)),
            w.load(LayerTensor.V_PROJ.name(l)),
            w.load(LayerTensor.Q_NORM.name(l)),
            w.load(LayerTensor.K_NORM.name(l)),
            w.load(LayerTensor.O_PROJ.name(l)),
            w.load(LayerTensor.POST_ATTENTION_NORM.name(l)),
            w.load(LayerTensor.GATE_PROJ.name(l)),
            w.load(LayerTensor.UP_PROJ.name(l)),
            w.load(LayerTensor.DOWN_PROJ.name(l)));
      }
      DeviceWeight finalNorm = null;
      DeviceWeight lmHead = null;
      if (range.isTail(c.numLayers())) {
        finalNorm = w.load(Qwen3TensorNames.FINAL_NORM);
        if (c.tieWordEmbeddings()) {
          // tied: the tail's classifier is the token embedding matrix
          lmHead = embedding != null ? embedding : w.load(Qwen3TensorNames.EMBED_TOKENS);
        } else {
          lmHead = w.load(Qwen3TensorNames.LM_HEAD);
        }
      }

      int maxTokens = options.maxTokensPerSequence() > 0
          ? options.maxTokensPerSequence() : c.maxPositionEmbeddings();
      long bytesPerBlock = 2L * c.numKvHeads() * c.headDim() * options.kvDtype().bytes()
          * options.blockSize() * range.size();
      long blocks = options.kvBudgetBytes() / bytesPerBlock;
      if (blocks < 1) {
        throw new IllegalArgumentException("KV budget of " + options.kvBudgetBytes()
            + " bytes holds no block (one block of " + options.blockSize() + " tokens over "
            + range.size() + " layers takes " + bytesPerBlock + " bytes)");
      }
      int numBlocks = (int) Math.min(blocks, Integer.MAX_VALUE / options.blockSize());
      PagedKvCache cache = new PagedKvCache(numBlocks, options.blockSize(), maxTokens);
      KvStore store = backend.allocateKv(new KvGeometry(range.size(), c.numKvHeads(),
          c.headDim(), numBlocks, options.blockSize(), options.kvDtype()));
      return new SliceModel(c, range, backend, embedding, layers, finalNorm, lmHead, cache,
          store);
    } catch (RuntimeException e) {
      loaded.forEach(DeviceWeight::close);
      throw e;
    }
  }

  /** Loads tensors by name, checking shapes, and pairs FP8 weights with their scales. */
  private record WeightLoader(Checkpoint checkpoint, Backend backend, List<DeviceWeight> loaded) {
    DeviceWeight load(String name) {
      long[] shape = Qwen3TensorNames.shapeOf(checkpoint.config(), name);
      TensorData t = checkpoint.tensor(name, shape);
      TensorData scale = null;
      if (t.dtype() == DType.F8_E4M3) {
        if (shape.length != 2) {
          throw new CheckpointException("tensor " + name + (t.file() == null ? "" : " in "
              + t.file()) + " is F8_E4M3, but only 2-D projections may be stored in FP8");
        }
        String scaleName = Qwen3TensorNames.scaleInv(name);
        scale = checkpoint.tensor(scaleName, Qwen3TensorNames.scaleInvShape(shape));
      }
      DeviceWeight weight = backend.upload(t, scale);
      loaded.add(weight);
      return weight;
    }
  }

  public ModelConfig config() {
    return config;
  }

  public LayerRange range() {
    return range;
  }

  public Backend backend() {
    return backend;
  }

  public boolean isHead() {
    return range.isHead();
  }

  public boolean isTail() {
    return range.isTail(config.numLayers());
  }

  /**
   * The KV bookkeeping (admission checks, free blocks, sequence lengths). Not synchronised:
   * call it from the thread that runs {@link #forward}, or treat what it says as a snapshot.
   */
  public PagedKvCache kvCache() {
    return kvCache;
  }

  /** Forgets a sequence and returns its KV blocks to the pool. */
  public synchronized void free(String sequenceId) {
    kvCache.free(sequenceId);
  }

  /**
   * Runs the slice's layers for one batch. Entries are independent sequences; a row's result
   * does not depend on the other entries. KV admission for the whole batch happens first and
   * throws {@link dev.brigade.engine.kv.KvCacheFullException} before any work when the pool is
   * short. Returns one output per input, in order.
   */
  public synchronized List<SliceOutput> forward(List<SliceInput> batch) {
    if (batch.isEmpty()) {
      return List.of();
    }
    List<KvExtent> extents = new ArrayList<>(batch.size());
    int logitRows = 0;
    for (SliceInput in : batch) {
      checkInput(in);
      extents.add(new KvExtent(in.sequenceId(), in.startPosition(), in.count()));
      if (isTail() && in.wantLogits()) {
        logitRows++;
      }
    }
    kvCache.admit(extents);
    BatchLayout layout = kvCache.layout(extents);
    int n = layout.rows();
    ensureCapacity(n, logitRows);

    // x [n, hidden]: token embeddings at the head, the previous slice's output elsewhere
    int hidden = config.hiddenSize();
    if (isHead()) {
      int[] tokens = new int[n];
      int r = 0;
      for (SliceInput in : batch) {
        System.arraycopy(in.tokens(), 0, tokens, r, in.count());
        r += in.count();
      }
      backend.embed(embedding, tokens, x);
    } else {
      long r = 0;
      for (SliceInput in : batch) {
        backend.copyIn(MemorySegment.ofArray(in.hidden()), x, r * hidden);
        r += in.count();
      }
    }

    for (int l = 0; l < layers.length; l++) {
      layer(l, n, layout);
    }

    return isTail() ? logits(batch, logitRows) : hiddenStates(batch);
  }

  /** One Qwen3 decoder layer over all n rows of the batch; x is updated in place. */
  private void layer(int l, int n, BatchLayout layout) {
    LayerWeights w = layers[l];
    int heads = config.numHeads();
    int kvHeads = config.numKvHeads();
    long hidden = config.hiddenSize();
    long inter = config.intermediateSize();

    // attention rmsnorm: xb = rmsnorm(x) * input_layernorm   [n, hidden]
    backend.rmsNorm(x, w.inputNorm(), xb, n, eps);
    // qkv projections: q [n, heads*headDim], k and v [n, kvHeads*headDim]
    backend.matmulEach(w.qkv(), xb, new DeviceBuffer[] {q, k, v}, n);
    // q_norm and k_norm: RMSNorm of every head vector [headDim], before RoPE
    backend.rmsNorm(q, w.qNorm(), q, n * heads, eps);
    backend.rmsNorm(k, w.kNorm(), k, n * kvHeads, eps);
    // rotate-half RoPE at each row's own position
    backend.rope(q, heads, rope, layout);
    backend.rope(k, kvHeads, rope, layout);
    // k and v of every row into its sequence's cache slot
    backend.kvWrite(kvStore, l, k, v, layout);
    // causal GQA attention of each row over its own sequence up to its position
    //   att [n, heads*headDim]
    backend.attention(kvStore, l, q, att, heads, layout);
    // output projection and residual: x += att @ Wo^T   [n, hidden]
    backend.matmul(w.wo(), att, xb, n);
    backend.add(x, xb, n * hidden);

    // ffn rmsnorm: xb = rmsnorm(x) * post_attention_layernorm   [n, hidden]
    backend.rmsNorm(x, w.postNorm(), xb, n, eps);
    // SwiGLU: hb = silu(xb @ Wgate^T) * (xb @ Wup^T)   [n, intermediate]
    backend.matmulEach(w.gateUp(), xb, new DeviceBuffer[] {hb, hb2}, n);
    backend.siluMul(hb, hb2, hb, n * inter);
    // down projection and residual: x += hb @ Wdown^T   [n, hidden]
    backend.matmul(w.wDown(), hb, xb, n);
    backend.add(x, xb, n * hidden);
  }

  /** Tail: final norm and lm_head on the last row of every entry that wants logits. */
  private List<SliceOutput> logits(List<SliceInput> batch, int logitRows) {
    int[] lastRows = new int[logitRows];
    int r = 0;
    int j = 0;
    for (SliceInput in : batch) {
      r += in.count();
      if (in.wantLogits()) {
        lastRows[j++] = r - 1;
      }
    }
    float[][] perEntry = new float[logitRows][];
    if (logitRows > 0) {
      int hidden = config.hiddenSize();
      int vocab = config.vocabSize();
      // last [logitRows, hidden] = x[lastRows]
      backend.gatherRows(x, lastRows, hidden, last);
      // final norm: last = rmsnorm(last) * model.norm
      backend.rmsNorm(last, finalNorm, last, logitRows, eps);
      // classifier: logits = last @ lm_head^T   [logitRows, vocab]
      backend.matmul(lmHead, last, logits, logitRows);
      for (int i = 0; i < logitRows; i++) {
        perEntry[i] = new float[vocab];
        backend.copyOut(logits, (long) i * vocab, MemorySegment.ofArray(perEntry[i]));
      }
    }
    List<SliceOutput> out = new ArrayList<>(batch.size());
    j = 0;
    for (SliceInput in : batch) {
      float[] l = in.wantLogits() ? perEntry[j++] : null;
      out.add(new SliceOutput(in.sequenceId(), in.startPosition(), in.count(), null, l,
          in.wantLogits()));
    }
    return out;
  }

  /** Not the tail: each entry's rows of x, for the next slice. */
  private List<SliceOutput> hiddenStates(List<SliceInput> batch) {
    int hidden = config.hiddenSize();
    List<SliceOutput> out = new ArrayList<>(batch.size());
    long r = 0;
    for (SliceInput in : batch) {
      float[] h = new float[in.count() * hidden];
      backend.copyOut(x, r * hidden, MemorySegment.ofArray(h));
      r += in.count();
      out.add(new SliceOutput(in.sequenceId(), in.startPosition(), in.count(), h, null,
          in.wantLogits()));
    }
    return out;
  }

  private void checkInput(SliceInput in) {
    if (isHead()) {
      if (in.tokens() == null) {
        throw new IllegalArgumentException("sequence " + in.sequenceId()
            + ": the head slice needs token ids, got hidden states");
      }
      for (int t : in.tokens()) {
        if (t < 0 || t >= config.vocabSize()) {
          throw new IllegalArgumentException("sequence " + in.sequenceId() + ": token id " + t
              + " is outside the vocabulary of " + config.vocabSize());
        }
      }
    } else {
      if (in.hidden() == null) {
        throw new IllegalArgumentException("sequence " + in.sequenceId() + ": slice " + range
            + " needs hidden states, got token ids");
      }
      if (in.hidden().length != (long) in.count() * config.hiddenSize()) {
        throw new IllegalArgumentException("sequence " + in.sequenceId() + ": "
            + in.hidden().length + " hidden values for " + in.count() + " tokens of width "
            + config.hiddenSize());
      }
    }
  }

  private void ensureCapacity(int rows, int logitRows) {
    if (rows > capacity) {
      int c = Math.max(rows, Math.max(16, capacity * 2));
      closeAll(x, xb, q, k, v, att, hb, hb2);
      long hidden = config.hiddenSize();
      long qDim = (long) config.numHeads() * config.headDim();
      long kvDim = (long) config.numKvHeads() * config.headDim();
      long inter = config.intermediateSize();
      x = backend.allocate(c * hidden);
      xb = backend.allocate(c * hidden);
      q = backend.allocate(c * qDim);
      k = backend.allocate(c * kvDim);
      v = backend.allocate(c * kvDim);
      att = backend.allocate(c * qDim);
      hb = backend.allocate(c * inter);
      hb2 = backend.allocate(c * inter);
      capacity = c;
    }
    if (isTail() && logitRows > logitCapacity) {
      int c = Math.max(logitRows, Math.max(4, logitCapacity * 2));
      closeAll(last, logits);
      last = backend.allocate((long) c * config.hiddenSize());
      logits = backend.allocate((long) c * config.vocabSize());
      logitCapacity = c;
    }
  }

  private static void closeAll(DeviceBuffer... buffers) {
    for (DeviceBuffer b : buffers) {
      if (b != null) {
        b.close();
      }
    }
  }

  /** Bytes on the backend: weights, the KV pool, and the scratch buffers as sized now. */
  public synchronized SliceMemory memory() {
    Set<DeviceWeight> weights = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    weights.addAll(allWeights());
    long weightBytes = weights.stream().mapToLong(DeviceWeight::bytes).sum();
    KvGeometry g = kvStore.geometry();
    long activations = 0;
    for (DeviceBuffer b : new DeviceBuffer[] {x, xb, q, k, v, att, hb, hb2, last, logits}) {
      activations += b == null ? 0 : b.floats() * 4;
    }
    return new SliceMemory(weightBytes, g.bytes(), g.bytesPerTokenPerLayer() * g.layers(),
        g.slots(), activations);
  }

  private List<DeviceWeight> allWeights() {
    List<DeviceWeight> all = new ArrayList<>();
    for (LayerWeights lw : layers) {
      all.addAll(lw.all());
    }
    for (DeviceWeight w : new DeviceWeight[] {embedding, finalNorm, lmHead}) {
      if (w != null) {
        all.add(w);
      }
    }
    return all;
  }

  /** Releases the weights, KV store and buffers (not the backend, which may be shared). */
  @Override
  public synchronized void close() {
    Set<DeviceWeight> weights = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    weights.addAll(allWeights());
    weights.forEach(DeviceWeight::close);
    kvStore.close();
    closeAll(x, xb, q, k, v, att, hb, hb2, last, logits);
  }
}
