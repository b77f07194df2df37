package dev.brigade.gateway.api;

import dev.brigade.engine.sampling.SamplingParams;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The parameters chat and completion requests share: limits, sampling, stop strings, n. */
final class SamplingFields {
  static final int MAX_STOP_STRINGS = 16;
  static final int MAX_TOP_LOGPROBS = 20;

  private SamplingFields() {}

  /** max_completion_tokens wins over max_tokens when both are given (OpenAI's newer name). */
  static Integer maxTokens(Fields f) {
    Long newer = f.integer("max_completion_tokens", 1, Integer.MAX_VALUE);
    Long older = f.integer("max_tokens", 1, Integer.MAX_VALUE);
    Long v = newer != null ? newer : older;
    return v == null ? null : v.intValue();
  }

  static void requireSingleChoice(Fields f) {
    Long n = f.integer("n", 1, Integer.MAX_VALUE);
    if (n != null && n != 1) {
      throw new ApiException(ApiError.invalid("n", "n must be 1: one choice per request, got " + n));
    }
  }

  /**
   * @param topLogprobs -1 for no logprobs
   */
  static SamplingParams sampling(Fields f, int topLogprobs) {
    Double temperature = f.number("temperature", 0, 2, false);
    Double topP = f.number("top_p", 0, 1, true);
    Long topK = f.integer("top_k", -1, Integer.MAX_VALUE);
    Double minP = f.number("min_p", 0, 1, false);
    Double repetition = f.number("repetition_penalty", 0, 10, true);
    Double presence = f.number("presence_penalty", -2, 2, false);
    Double frequency = f.number("frequency_penalty", -2, 2, false);
    Long seed = f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    return new SamplingParams(
        temperature == null ? 1.0 : temperature,
        topK == null || topK < 0 ? 0 : topK.intValue(),
        topP == null ? 1.0 : topP,
        minP == null ? 0.0 : minP,
        repetition == null ? 1.0 : repetition,
        presence == null ? 0.0 : presence,
        frequency == null ? 0.0 : frequency,
        // A seed is always fixed here, so a sequence resumed elsewhere continues identically.
        seed == null ? ThreadLocalRandom.current().nextLong() : seed,
        topLogprobs);
  }

  static List<String> stop(Fields f) {
    Object v = f.raw("stop");
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (v instanceof String s) {
      if (s.isEmpty()) throw new ApiException(ApiError.invalid("stop", "stop strings must not be empty"));
      out.add(s);
      return out;
    }
    if (!(v instanceof JsonArray a)) throw Fields.wrongType("stop", "a string or an array of strings", v);
    if (a.size() > MAX_STOP_STRINGS) {
      throw new ApiException(
          ApiError.invalid("stop", "stop takes at most " + MAX_STOP_STRINGS + " strings, got " + a.size()));
    }
    for (Object item : a) {
      if (!(item instanceof String s)) throw Fields.wrongType("stop", "an array of strings", a);
      if (s.isEmpty()) throw new ApiException(ApiError.invalid("stop", "stop strings must not be empty"));
      out.add(s);
    }
    return out;
  }

  /** stream and stream_options.include_usage; include_usage is only valid when streaming. */
  static boolean[] streamFlags(Fields f) {
    boolean stream = Boolean.TRUE.equals(f.bool("stream"));
    var options = f.object("stream_options");
    boolean includeUsage = false;
    if (options != null) {
      if (!stream) {
        throw new ApiException(
            ApiError.invalid("stream_options", "stream_options is only allowed when stream is true"));
      }
      Fields o = new Fields(options);
      try {
        includeUsage = Boolean.TRUE.equals(o.bool("include_usage"));
      } catch (ApiException e) {
        throw new ApiException(
            ApiError.invalid("stream_options.include_usage", "stream_options.include_usage must be a boolean"));
      }
    }
    return new boolean[] {stream, includeUsage};
  }
}
