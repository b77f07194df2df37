package dev.brigade.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reads and validates a POST /v1/completions body: prompt as text or as token ids. */
public final class CompletionRequestParser {
  private CompletionRequestParser() {}

  public static GenerationSpec parse(JsonObject body, int vocabSize) {
    Fields f = new Fields(body);
    String model = f.string("model");
    Object prompt = unwrapSingle(f.raw("prompt"));
    String promptText = null;
    int[] promptIds = null;
    if (prompt == null) {
      throw new ApiException(ApiError.invalid("prompt", "prompt is required"));
    } else if (prompt instanceof String s) {
      if (s.isEmpty()) throw new ApiException(ApiError.invalid("prompt", "prompt must not be empty"));
      promptText = s;
    } else if (prompt instanceof JsonArray ids) {
      promptIds = tokenIds(ids, vocabSize);
    } else {
      throw Fields.wrongType("prompt", "a string or an array of token ids", prompt);
    }
    if (Boolean.TRUE.equals(f.bool("echo"))) {
      throw new ApiException(ApiError.invalid("echo", "echo is not supported"));
    }
    SamplingFields.requireSingleChoice(f);
    Long logprobs = f.integer("logprobs", 0, SamplingFields.MAX_TOP_LOGPROBS);
    boolean[] streamFlags = SamplingFields.streamFlags(f);
    return new GenerationSpec(
        false,
        model,
        null,
        null,
        promptText,
        promptIds,
        SamplingFields.maxTokens(f),
        SamplingFields.sampling(f, logprobs == null ? -1 : logprobs.intValue()),
        SamplingFields.stop(f),
        streamFlags[0],
        streamFlags[1],
        logprobs != null,
        true);
  }

  /** ["text"] and [[1,2,3]] are one prompt; several prompts need several requests. */
  private static Object unwrapSingle(Object prompt) {
    if (prompt instanceof JsonArray a && !a.isEmpty()) {
      Object first = a.getValue(0);
      if (first instanceof String || first instanceof JsonArray) {
        if (a.size() != 1) {
          throw new ApiException(
              ApiError.invalid("prompt", "prompt must be one prompt; got a batch of " + a.size()));
        }
        return first;
      }
    }
    return prompt;
  }

  private static int[] tokenIds(JsonArray ids, int vocabSize) {
    if (ids.isEmpty()) throw new ApiException(ApiError.invalid("prompt", "prompt must not be empty"));
    int[] out = new int[ids.size()];
    for (int i = 0; i < out.length; i++) {
      Object v = ids.getValue(i);
      if (!(v instanceof Number)) {
        throw new ApiException(
            ApiError.invalid("prompt", "prompt[" + i + "] must be a token id, got " + Fields.describe(v)));
      }
      long id = Fields.asInteger("prompt", v);
      if (id < 0 || id >= vocabSize) {
        throw new ApiException(
            ApiError.invalid(
                "prompt", "prompt[" + i + "] = " + id + " is not a token id in [0, " + vocabSize + ")"));
      }
      out[i] = (int) id;
    }
    return out;
  }
}
