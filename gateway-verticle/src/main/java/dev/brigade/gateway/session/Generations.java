package dev.brigade.gateway.session;

import dev.brigade.engine.text.ChatTemplate;
import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.api.ApiException;
import dev.brigade.gateway.api.GenerationSpec;
import dev.brigade.gateway.model.ServedModel;
import dev.brigade.gateway.model.TokenizerTextDecoder;
import dev.brigade.gateway.metrics.GatewayMetrics;
import dev.brigade.gateway.metrics.MeteredSink;
import dev.brigade.gateway.sequence.SequenceRequest;
import dev.brigade.gateway.sequence.SequenceService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns validated requests into running sequences: renders and tokenizes the prompt off the event
 * loop, checks the model name, the context, the cluster's readiness and the queue, then starts
 * the sequence with a {@link Generation} as its listener. Used from one verticle context.
 */
public final class Generations {
  /** A request ready to run. */
  public record Prepared(String id, GenerationSpec spec, ServedModel model, int[] promptIds, int maxTokens) {}

  private final Vertx vertx;
  private final Supplier<ServedModel> model;
  private final SequenceService sequences;
  private final int maxInFlight;
  private int inFlight;
  private GatewayMetrics metrics;

  /**
   * @param model the served model, or null while it is not known yet
   * @param maxInFlight requests running or queued at once before new ones get 429
   */
  public Generations(Vertx vertx, Supplier<ServedModel> model, SequenceService sequences, int maxInFlight) {
    this.vertx = vertx;
    this.model = model;
    this.sequences = sequences;
    this.maxInFlight = maxInFlight;
  }

  /** Records every generation started from now on (tokens, latencies, outcomes). */
  public void measureWith(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  /** The served model; throws 503 while the model card has not arrived. */
  public ServedModel model() {
    ServedModel m = model.get();
    if (m == null) {
      throw new ApiException(
          ApiError.unavailable("the model is not known yet: the scheduler has not published its model card"));
    }
    return m;
  }

  public int inFlight() {
    return inFlight;
  }

  public int readyPipelines() {
    return sequences.readyPipelines();
  }

  /** Checks the model name, builds the prompt ids (on a worker thread) and the token limit. */
  public Future<Prepared> prepare(GenerationSpec spec) {
    ServedModel m;
    try {
      m = model();
      if (spec.model() != null && !spec.model().isEmpty() && !spec.model().equals(m.name())) {
        throw new ApiException(ApiError.modelNotFound(spec.model()));
      }
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> promptIds(spec, m), false)
        .map(ids -> new Prepared(newId(spec.chat()), spec, m, ids, maxTokens(spec, m, ids.length)));
  }

  /**
   * Starts a prepared request. Failures (no pipeline, full queue) reach the sink's fail; the
   * returned generation lets the caller cancel when its client goes away.
   */
  public Generation start(Prepared p, GenerationSink clientSink) {
    MeteredSink metered = metrics == null ? null : metrics.track(clientSink);
    GenerationSink sink = metered == null ? clientSink : metered;
    Generation generation =
        new Generation(
            p.promptIds().length,
            new TokenizerTextDecoder(p.model().tokenizer()),
            p.spec().stop(),
            p.spec().chat(),
            p.spec().logprobs() ? p.model()::tokenView : null,
            sink);
    if (sequences.readyPipelines() == 0) {
      generation.cancel();
      sink.fail(ApiError.unavailable("no pipeline is ready to serve; retry shortly"));
      return generation;
    }
    if (inFlight >= maxInFlight) {
      generation.cancel();
      sink.fail(
          ApiError.tooManyRequests(
              "too many requests in flight (" + inFlight + " of " + maxInFlight + "); retry shortly"));
      return generation;
    }
    inFlight++;
    generation.whenDone(() -> {
      inFlight--;
      if (metered != null) metered.closed();
    });
    SequenceRequest request =
        new SequenceRequest(p.id(), p.promptIds(), p.spec().sampling(), p.maxTokens(), p.model().stopTokenIds());
    generation.attach(sequences.start(request, generation));
    return generation;
  }

  private static int[] promptIds(GenerationSpec spec, ServedModel m) {
    if (spec.chat()) {
      String text = ChatTemplate.render(spec.messages(), spec.tools(), true, spec.enableThinking());
      return m.tokenizer().encode(text);
    }
    if (spec.promptIds() != null) {
      for (int i = 0; i < spec.promptIds().length; i++) {
        if (spec.promptIds()[i] >= m.vocabSize()) {
          throw new ApiException(
              ApiError.invalid(
                  "prompt",
                  "prompt[" + i + "] = " + spec.promptIds()[i] + " is not a token id in [0, " + m.vocabSize() + ")"));
        }
      }
      return spec.promptIds();
    }
    return m.tokenizer().encode(spec.promptText());
  }

  /** The token limit: as asked, or all the context left; prompt + limit must fit the context. */
  private static int maxTokens(GenerationSpec spec, ServedModel m, int promptTokens) {
    int context = m.contextLength();
    String promptParam = spec.chat() ? "messages" : "prompt";
    if (promptTokens >= context) {
      throw new ApiException(
          ApiError.contextTooLong(
              promptParam,
              "the prompt has " + promptTokens + " tokens; the model's context is " + context + " tokens"));
    }
    if (spec.maxTokens() == null) return context - promptTokens;
    if ((long) promptTokens + spec.maxTokens() > context) {
      throw new ApiException(
          ApiError.contextTooLong(
              "max_tokens",
              "prompt (" + promptTokens + " tokens) + max_tokens (" + spec.maxTokens()
                  + ") is more than the model's context of " + context + " tokens"));
    }
    return spec.maxTokens();
  }

  private static String newId(boolean chat) {
    String hex = UUID.randomUUID().toString().replace("-", "");
    return (chat ? "chatcmpl-" : "cmpl-") + hex;
  }
}
