package dev.brigade.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.backend.ScalarBackend;
import dev.brigade.engine.checkpoint.Checkpoint;
import dev.brigade.engine.checkpoint.Checkpoints;
import dev.brigade.engine.checkpoint.SafetensorsWriter;
import dev.brigade.engine.generate.Generator;
import dev.brigade.engine.generate.SliceChain;
import dev.brigade.engine.model.ConfigJson;
import dev.brigade.engine.model.DType;
import dev.brigade.engine.model.LayerRange;
import dev.brigade.engine.model.ModelConfig;
import dev.brigade.engine.model.Qwen3TensorNames;
import dev.brigade.engine.model.TinyModel;
import dev.brigade.engine.model.TokenizerFiles;
import dev.brigade.engine.sampling.SamplingParams;
import dev.brigade.engine.testing.TinyModelFixture;
import dev.brigade.engine.text.ChatMessage;
import dev.brigade.engine.text.ChatTemplate;
import dev.brigade.engine.text.Qwen3Tokenizer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reasoning split through a real cluster, with a model that really opens its answer with
 * {@code <think>}: the tiny model with two embedding rows swapped. Its embeddings are tied, so
 * swapping the rows of X (its first greedy token) and {@code <think>} makes it emit {@code <think>}
 * where it emitted X and then continue exactly as before (the {@code <think>} input now has X's
 * embedding); the same with its third token and {@code </think>}. Its greedy output is therefore
 * {@code <think>}, the original second token, {@code </think>}, then the original rest.
 */
class ThinkingEndToEndTest {
  static final String USER = "Hi";
  static final int MAX_TOKENS = 8;
  static ServingCluster cluster;
  static String expectedReasoning;
  static String expectedContent;

  @BeforeAll
  static void start() throws Exception {
    Path original = TinyModelFixture.path(false);
    Qwen3Tokenizer tokenizer = Qwen3Tokenizer.load(original.resolve("tokenizer.json"));
    int[] prompt = tokenizer.encode(ChatTemplate.render(List.of(ChatMessage.user(USER)), null, true, true));
    int[] greedy = greedy(original, prompt, tokenizer);
    int x = greedy[0];
    int z = greedy[2];
    int think = tokenizer.thinkId();
    int endThink = tokenizer.endThinkId();
    assertTrue(greedy.length == MAX_TOKENS && x != greedy[1] && z != greedy[1] && x != z,
        "the first three greedy tokens are distinct: " + Arrays.toString(greedy));
    for (int i = 0; i < greedy.length; i++) {
      assertTrue(i == 0 || greedy[i] != x, "X appears once: " + Arrays.toString(greedy));
      assertTrue(i == 2 || greedy[i] != z, "Z appears once: " + Arrays.toString(greedy));
      assertTrue(greedy[i] != think && greedy[i] != endThink && !tokenizer.isAdded(greedy[i]));
    }
    for (int id : prompt) assertTrue(id != x && id != z, "the prompt uses neither swapped token");

    int[] mapped = greedy.clone();
    mapped[0] = think;
    mapped[2] = endThink;
    String text = tokenizer.decode(mapped);
    assertTrue(text.startsWith("<think>"), text);
    int close = text.indexOf("</think>");
    expectedReasoning = text.substring("<think>".length(), close);
    expectedContent = text.substring(close + "</think>".length()).replaceFirst("^\n+", "");

    Path swapped = Files.createTempDirectory(Path.of("target"), "tiny-thinking-");
    writeSwapped(swapped, x, think, z, endThink);
    cluster = ServingCluster.start(4, swapped);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  static JsonObject chat(boolean stream) {
    return new JsonObject()
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", USER)))
        .put("max_tokens", MAX_TOKENS)
        .put("temperature", 0)
        .put("stream", stream);
  }

  @Test
  void reasoningComesApartFromTheAnswer() throws Exception {
    JsonObject whole = cluster.postOk("/v1/chat/completions", chat(false));
    JsonObject message = whole.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertEquals(expectedReasoning, message.getString("reasoning_content"));
    assertEquals(expectedContent, message.getString("content"));
  }

  @Test
  void reasoningStreamsBeforeTheAnswer() throws Exception {
    HttpResponse<Buffer> r = cluster.post("/v1/chat/completions", chat(true));
    List<JsonObject> events = Sse.events(r.bodyAsString());
    assertEquals(expectedReasoning, Sse.joined(events, "reasoning_content"));
    assertEquals(expectedContent, Sse.joined(events, "content"));
    int lastReasoning = -1;
    int firstContent = -1;
    for (int i = 0; i < events.size(); i++) {
      JsonArray choices = events.get(i).getJsonArray("choices");
      if (choices.isEmpty()) continue;
      JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
      if (delta.containsKey("reasoning_content")) lastReasoning = i;
      if (delta.containsKey("content") && !delta.getString("content").isEmpty() && firstContent < 0) firstContent = i;
    }
    assertTrue(lastReasoning >= 0, "reasoning was streamed");
    assertTrue(firstContent < 0 || lastReasoning < firstContent, "reasoning first, then the answer");
    assertNotNull(Sse.finishReason(events));
  }

  /**
   * Greedy tokens of the original model, from the single-process engine on the scalar oracle
   * backend (which leaves the workers' vector kernels as cold as in the other tests).
   */
  private static int[] greedy(Path model, int[] prompt, Qwen3Tokenizer tokenizer) throws Exception {
    try (ScalarBackend backend = new ScalarBackend(); Checkpoint checkpoint = Checkpoints.open(model)) {
      ModelConfig config = checkpoint.config();
      Set<Integer> stops = Set.copyOf(List.of(config.eosTokenId(), tokenizer.endOfTextId(), tokenizer.imEndId()));
      try (SliceChain chain = SliceChain.load(checkpoint, backend, config.numLayers(), prompt.length + MAX_TOKENS, DType.BF16)) {
        return new Generator(chain).generate("thinking-probe", prompt, MAX_TOKENS, SamplingParams.greedy(), stops, t -> {});
      }
    }
  }

  /** The tiny model, bit for bit, except two pairs of embedding rows swapped. */
  private static void writeSwapped(Path dir, int a, int b, int c, int d) {
    ModelConfig config = TinyModel.config(false);
    assertTrue(config.tieWordEmbeddings(), "the trick needs tied embeddings");
    ConfigJson.write(config, dir);
    ConfigJson.writeGenerationConfig(config, dir);
    TokenizerFiles.copyTo(dir);
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    for (String name : new LinkedHashSet<>(Qwen3TensorNames.sliceTensors(config, new LayerRange(0, config.numLayers())))) {
      long[] shape = TinyModel.shape(config, name);
      float[] values = TinyModel.weights(config, name, TinyModel.DEFAULT_SEED);
      if (name.equals(Qwen3TensorNames.EMBED_TOKENS)) {
        int width = (int) shape[1];
        swapRows(values, width, a, b);
        swapRows(values, width, c, d);
      }
      tensors.add(SafetensorsWriter.Tensor.ofFloats(name, DType.BF16, shape, values));
    }
    SafetensorsWriter.writeModel(dir, tensors, Long.MAX_VALUE);
  }

  private static void swapRows(float[] m, int width, int r1, int r2) {
    for (int i = 0; i < width; i++) {
      float t = m[r1 * width + i];
      m[r1 * width + i] = m[r2 * width + i];
      m[r2 * width + i] = t;
    }
  }
}
