package dev.brigade.worker.stage;

import dev.brigade.engine.forward.SliceInput;
import dev.brigade.engine.forward.SliceOutput;
import dev.brigade.engine.kv.KvCacheFullException;
import dev.brigade.protocol.Addresses;
import dev.brigade.protocol.control.SliceAssignment;
import dev.brigade.protocol.wire.ActivationFrame;
import dev.brigade.protocol.wire.FreeSequence;
import dev.brigade.protocol.wire.NextToken;
import dev.brigade.protocol.wire.SequenceError;
import dev.brigade.protocol.wire.StartSequence;
import dev.brigade.protocol.wire.TokenEvent;
import dev.brigade.protocol.wire.Wire;
import dev.brigade.protocol.wire.WireMessage;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The stage's compute thread: owns the loaded slice and every sequence's state, applies
 * inbound messages in arrival order, and runs waiting work as one batched forward at a time
 * (continuous batching). Nothing here runs on an event loop; everything the event loop wants
 * done is {@link #submit submitted} as a task.
 */
final class StageLoop implements Runnable {
  private static final Logger LOG = Logger.getLogger(StageLoop.class.getName());
  private static final long REAP_CHECK_MILLIS = 1000;

  private final String nodeId;
  private final EventBus bus;
  private final StageSettings settings;
  private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
  /** Insertion-ordered so batches are picked fairly, oldest sequence first. */
  private final Map<String, SequenceState> sequences = new LinkedHashMap<>();
  private final StageFigures figures;
  private LoadedSlice slice;
  private int reservedBlocks;
  private long lastReapNanos = System.nanoTime();
  private volatile boolean running = true;

  StageLoop(String nodeId, EventBus bus, StageSettings settings, StageFigures figures) {
    this.nodeId = nodeId;
    this.bus = bus;
    this.settings = settings;
    this.figures = figures;
  }

  void submit(Runnable task) {
    inbox.add(task);
  }

  void stop() {
    running = false;
    inbox.add(() -> {});
  }

  @Override
  public void run() {
    while (running) {
      try {
        Runnable task = hasWork() ? inbox.poll() : inbox.poll(REAP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        while (task != null) {
          runTask(task);
          task = inbox.poll();
        }
        reapIdle();
        if (running && hasWork()) {
          runBatch();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        LOG.log(Level.SEVERE, "stage " + nodeId + ": compute loop error", e);
      }
    }
    dropAll();
  }

  private static void runTask(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stage task failed", e);
    }
  }

  // ---- slice lifecycle (tasks) ----------------------------------------------------------------

  void install(LoadedSlice loaded) {
    dropAll();
    slice = loaded;
    figures.slice(loaded);
  }

  /** Keeps weights, KV cache and running sequences; only the neighbours change. */
  void reroute(SliceAssignment a) {
    if (slice == null) {
      throw new IllegalStateException("node " + nodeId + " has no slice to re-route");
    }
    slice = slice.rerouted(a);
  }

  void uninstall() {
    dropAll();
    figures.slice(null);
  }

  LoadedSlice slice() {
    return slice;
  }

  private void dropAll() {
    for (SequenceState s : sequences.values()) {
      if (slice != null) {
        slice.free(s.seqId());
      }
    }
    sequences.clear();
    reservedBlocks = 0;
    figures.sequences(0, 0);
    figures.cached(0);
    if (slice != null) {
      slice.close();
      slice = null;
    }
  }

  // ---- inbound messages (tasks) -------------------------------------------------------------

  void onMessage(WireMessage message, Message<?> envelope) {
    switch (message) {
      case StartSequence s -> onStart(s, envelope);
      case ActivationFrame f -> onActivation(f);
      case NextToken t -> onNextToken(t);
      case FreeSequence f -> free(f.seqId());
      default -> refuse(envelope, SequenceError.Kind.BAD_FRAME,
          message.type() + " is not a stage message");
    }
  }

  private void onStart(StartSequence start, Message<?> envelope) {
    if (slice == null) {
      refuseSequence(start, envelope, SequenceError.Kind.INTERNAL, "node " + nodeId + " has no slice loaded");
      return;
    }
    SequenceState existing = sequences.get(start.seqId());
    if (existing != null) {
      if (existing.attempt() >= start.attempt()) {
        accept(envelope);
        return;
      }
      free(start.seqId());
    }
    int context = start.promptIds().length + start.generatedIds().length;
    int remaining = start.maxTokens() - start.generatedIds().length;
    if (remaining < 1) {
      refuseSequence(start, envelope, SequenceError.Kind.CONTEXT_FULL,
          start.generatedIds().length + " tokens already generated, max tokens is " + start.maxTokens());
      return;
    }
    // The last sampled token is never written to the cache, hence - 1.
    long tokens = (long) context + remaining - 1;
    if (tokens > slice.maxTokensPerSequence() || blocksFor(tokens) > slice.totalBlocks()) {
      refuseSequence(start, envelope, SequenceError.Kind.CONTEXT_FULL,
          "prompt of " + context + " tokens plus " + remaining + " new tokens exceeds node " + nodeId
              + "'s limit of " + Math.min(slice.maxTokensPerSequence(), (long) slice.totalBlocks() * slice.blockSize())
              + " tokens");
      return;
    }
    int blocks = blocksFor(tokens);
    if (reservedBlocks + blocks > slice.totalBlocks()) {
      refuseSequence(start, envelope, SequenceError.Kind.QUEUE_FULL,
          "node " + nodeId + "'s KV cache is full (" + (slice.totalBlocks() - reservedBlocks) + " of "
              + slice.totalBlocks() + " blocks free, " + blocks + " needed)");
      return;
    }
    reservedBlocks += blocks;
    SequenceState state = new SequenceState(start, blocks, System.nanoTime());
    sequences.put(start.seqId(), state);
    figures.sequences(sequences.size(), reservedBlocks);
    accept(envelope);
    SliceAssignment a = slice.assignment();
    if (!a.isTail()) {
      bus.send(Addresses.workerStage(a.nextNodeId()), start.encode());
    }
    if (a.isHead()) {
      int[] ids = start.contextIds();
      int chunk = settings.prefillChunkTokens();
      for (int from = 0; from < ids.length; from += chunk) {
        int to = Math.min(ids.length, from + chunk);
        int[] part = Arrays.copyOfRange(ids, from, to);
        state.pending.add(PendingWork.tokens(from, part, to == ids.length));
      }
    }
  }

  private void onActivation(ActivationFrame f) {
    SequenceState s = sequences.get(f.seqId());
    if (s == null || s.attempt() != f.attempt()) {
      LOG.fine(() -> "stage " + nodeId + ": dropped a frame of unknown or stale sequence " + f.seqId());
      return;
    }
    if (slice != null && f.hiddenSize() != slice.hiddenSize()) {
      reportError(s, SequenceError.Kind.BAD_FRAME,
          "frame has hidden size " + f.hiddenSize() + ", node " + nodeId + " expects " + slice.hiddenSize());
      free(s.seqId());
      return;
    }
    s.lastActivityNanos = System.nanoTime();
    s.pending.add(PendingWork.hidden(f.startPosition(), f.nTokens(), f.hidden(), f.sample()));
  }

  private void onNextToken(NextToken t) {
    SequenceState s = sequences.get(t.seqId());
    if (s == null || s.attempt() != t.attempt()) {
      return;
    }
    s.lastActivityNanos = System.nanoTime();
    s.pending.add(PendingWork.tokens(t.position(), new int[] {t.tokenId()}, true));
  }

  /** Frees one sequence's KV and state; unknown ids are ignored (frees are idempotent). */
  void free(String seqId) {
    SequenceState s = sequences.remove(seqId);
    if (s != null) {
      reservedBlocks -= s.reservedBlocks;
      if (slice != null) {
        slice.free(seqId);
        figures.cached(slice.cachedSequences());
      }
      figures.sequences(sequences.size(), reservedBlocks);
    }
  }

  /** Frees every sequence owned by a gateway that left the cluster. */
  void dropGateway(String gatewayId) {
    List<String> gone = new ArrayList<>();
    for (SequenceState s : sequences.values()) {
      if (s.start.gatewayId().equals(gatewayId)) {
        gone.add(s.seqId());
      }
    }
    if (!gone.isEmpty()) {
      LOG.info("stage " + nodeId + ": gateway " + gatewayId + " left, freeing " + gone.size() + " sequences");
      gone.forEach(this::free);
    }
  }

  private void reapIdle() {
    long now = System.nanoTime();
    if (now - lastReapNanos < TimeUnit.MILLISECONDS.toNanos(REAP_CHECK_MILLIS)) {
      return;
    }
    lastReapNanos = now;
    long limit = TimeUnit.MILLISECONDS.toNanos(settings.reapAfterMillis());
    List<String> idle = new ArrayList<>();
    for (SequenceState s : sequences.values()) {
      if (s.pending.isEmpty() && now - s.lastActivityNanos > limit) {
        idle.add(s.seqId());
      }
    }
    if (!idle.isEmpty()) {
      LOG.info("stage " + nodeId + ": reaping " + idle.size() + " idle sequences " + idle);
      idle.forEach(this::free);
    }
  }

  // ---- batching and compute -----------------------------------------------------------------

  private boolean hasWork() {
    if (slice == null) {
      return false;
    }
    for (SequenceState s : sequences.values()) {
      if (!s.pending.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Picks the batch: every waiting decode step first (one row each), then prefill chunks while
   * they fit in maxBatchTokens. At most one entry per sequence, so its frames run in order.
   */
  private List<SequenceState> pickBatch() {
    List<SequenceState> batch = new ArrayList<>();
    int rows = 0;
    for (SequenceState s : sequences.values()) {
      PendingWork w = s.pending.peek();
      if (w != null && w.count() == 1 && rows < settings.maxBatchTokens()) {
        batch.add(s);
        rows++;
      }
    }
    for (SequenceState s : sequences.values()) {
      PendingWork w = s.pending.peek();
      if (w != null && w.count() > 1 && (batch.isEmpty() || rows + w.count() <= settings.maxBatchTokens())) {
        batch.add(s);
        rows += w.count();
      }
    }
    return batch;
  }

  private void runBatch() {
    List<SequenceState> batch = pickBatch();
    List<SliceInput> inputs = new ArrayList<>(batch.size());
    for (SequenceState s : batch) {
      PendingWork w = s.pending.peek();
      inputs.add(
          w.tokens() != null
              ? SliceInput.ofTokens(s.seqId(), w.startPosition(), w.tokens(), w.sample())
              : SliceInput.ofHidden(s.seqId(), w.startPosition(), w.count(), w.hidden(), w.sample()));
    }
    List<SliceOutput> outputs;
    long t0 = System.nanoTime();
    try {
      outputs = slice.forward(inputs);
    } catch (KvCacheFullException e) {
      // Admission reserves every sequence's blocks, so this means the reservation was wrong;
      // fail the newest sequence in the batch rather than spin.
      SequenceState victim = batch.getLast();
      reportError(victim, SequenceError.Kind.QUEUE_FULL, "node " + nodeId + ": " + e.getMessage());
      free(victim.seqId());
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stage " + nodeId + ": forward failed for " + batch.size() + " sequences", e);
      for (SequenceState s : batch) {
        reportError(s, SequenceError.Kind.INTERNAL, "node " + nodeId + ": forward failed: " + e);
        free(s.seqId());
      }
      return;
    }
    int rows = 0;
    for (SliceInput in : inputs) {
      rows += in.count();
    }
    figures.batch(batch.size(), rows, System.nanoTime() - t0);
    figures.cached(slice.cachedSequences());
    SliceAssignment a = slice.assignment();
    List<WireMessage> onward = new ArrayList<>(batch.size());
    Map<String, List<WireMessage>> toGateways = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      SequenceState s = batch.get(i);
      s.pending.poll();
      s.lastActivityNanos = System.nanoTime();
      SliceOutput out = outputs.get(i);
      if (a.isTail()) {
        if (out.wantLogits()) {
          emitToken(s, out, onward, toGateways);
        }
      } else {
        onward.add(new ActivationFrame(s.seqId(), s.attempt(), out.startPosition(), out.count(),
            slice.hiddenSize(), out.wantLogits(), settings.hiddenDType(), out.hidden()));
      }
    }
    // What this forward produced travels as one message per destination, so the next stage
    // gets the whole batch at once and runs it as one forward. The next step's input goes first:
    // it is on the critical path, the gateway's token events are not.
    if (a.isTail() && a.isHead()) {
      onward.forEach(m -> onNextToken((NextToken) m));
    } else if (!onward.isEmpty()) {
      send(Addresses.workerStage(a.isTail() ? a.headNodeId() : a.nextNodeId()), onward);
    }
    toGateways.forEach((gateway, events) -> send(Addresses.gatewayTokens(gateway), events));
  }

  private void send(String address, List<WireMessage> messages) {
    bus.send(address, messages.size() == 1 ? messages.getFirst().encode() : Wire.encodeBatch(messages));
  }

  /**
   * Tail: samples the next token, queues its event for the gateway and (unless the sequence
   * ends here) the token for the head's next step.
   */
  private void emitToken(SequenceState s, SliceOutput out, List<WireMessage> toHead,
      Map<String, List<WireMessage>> toGateways) {
    int position = out.startPosition() + out.count();
    int index = s.nextIndex;
    TailSampler.Sampled token = slice.sampler().sample(out.logits(), s.start.sampling(), s.history(), position);
    TokenEvent.Finish finish = TokenEvent.Finish.NONE;
    if (contains(s.start.stopIds(), token.tokenId())) {
      finish = TokenEvent.Finish.STOP;
    } else if (index + 1 >= s.start.maxTokens()) {
      finish = TokenEvent.Finish.LENGTH;
    }
    toGateways.computeIfAbsent(s.start.gatewayId(), g -> new ArrayList<>()).add(
        new TokenEvent(s.seqId(), s.attempt(), index, position, token.tokenId(), token.logprob(),
            token.top(), finish));
    figures.token();
    if (finish != TokenEvent.Finish.NONE) {
      free(s.seqId());
      return;
    }
    s.nextIndex++;
    s.appendHistory(token.tokenId());
    toHead.add(new NextToken(s.seqId(), s.attempt(), position, token.tokenId()));
  }

  // ---- replies and errors -------------------------------------------------------------------

  private static void accept(Message<?> envelope) {
    if (envelope != null && envelope.replyAddress() != null) {
      envelope.reply(null);
    }
  }

  private void refuse(Message<?> envelope, SequenceError.Kind kind, String why) {
    LOG.warning("stage " + nodeId + ": " + why);
    if (envelope != null && envelope.replyAddress() != null) {
      envelope.fail(kind.code(), why);
    }
  }

  /** Refuses a start: as the request's failure at the head, as an error event elsewhere. */
  private void refuseSequence(StartSequence start, Message<?> envelope, SequenceError.Kind kind, String why) {
    if (envelope != null && envelope.replyAddress() != null) {
      refuse(envelope, kind, why);
    } else {
      LOG.warning("stage " + nodeId + ": refused sequence " + start.seqId() + ": " + why);
      bus.send(Addresses.gatewayTokens(start.gatewayId()),
          new SequenceError(start.seqId(), start.attempt(), kind, nodeId, why).encode());
    }
  }

  private void reportError(SequenceState s, SequenceError.Kind kind, String why) {
    bus.send(Addresses.gatewayTokens(s.start.gatewayId()),
        new SequenceError(s.seqId(), s.attempt(), kind, nodeId, why).encode());
  }

  private int blocksFor(long tokens) {
    return (int) ((tokens + slice.blockSize() - 1) / slice.blockSize());
  }

  private static boolean contains(int[] ids, int id) {
    for (int x : ids) {
      if (x == id) {
        return true;
      }
    }
    return false;
  }
}
