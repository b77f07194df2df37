package dev.brigade.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.text.Qwen3Tokenizer;
import dev.brigade.gateway.api.ApiError;
import dev.brigade.gateway.model.TokenizerTextDecoder;
import dev.brigade.gateway.sequence.FinishReason;
import dev.brigade.gateway.sequence.GeneratedToken;
import dev.brigade.gateway.sequence.SequenceFailure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The output path from token ids to sink events, with the real Qwen3 tokenizer. */
class GenerationTest {
  static Qwen3Tokenizer tokenizer;

  @BeforeAll
  static void load() {
    tokenizer = Qwen3Tokenizer.fromResources();
  }

  /** Records what a client would see. */
  static final class Recorder implements GenerationSink {
    final StringBuilder reasoning = new StringBuilder();
    final StringBuilder content = new StringBuilder();
    final List<String> contentDeltas = new ArrayList<>();
    String finish;
    Usage usage;
    ApiError error;

    @Override
    public void delta(Delta d) {
      reasoning.append(d.reasoning());
      content.append(d.content());
      if (!d.content().isEmpty()) contentDeltas.add(d.content());
    }

    @Override
    public void finish(String finishReason, Usage u) {
      finish = finishReason;
      usage = u;
    }

    @Override
    public void fail(ApiError e) {
      error = e;
    }
  }

  private static Generation generation(List<String> stops, boolean chat, Recorder sink) {
    return new Generation(5, new TokenizerTextDecoder(tokenizer), stops, chat, null, sink);
  }

  private static void feed(Generation g, int[] ids) {
    for (int i = 0; i < ids.length; i++) g.onToken(new GeneratedToken(i, ids[i], Double.NaN, List.of()));
  }

  @Test
  void thinkingGoesToReasoningAndTheRestToContent() {
    int[] ids = tokenizer.encode("<think>\nAdd them.\n</think>\n\nIt is 4.");
    assertEquals(tokenizer.thinkId(), ids[0], "<think> is one token");
    Recorder sink = new Recorder();
    Generation g = generation(List.of(), true, sink);
    feed(g, ids);
    g.onFinish(FinishReason.STOP, ids.length + 1);
    assertEquals("\nAdd them.\n", sink.reasoning.toString());
    assertEquals("It is 4.", sink.content.toString());
    assertEquals("stop", sink.finish);
    assertEquals(new Usage(5, ids.length + 1), sink.usage);
  }

  @Test
  void stopStringAcrossTokensEndsWithoutLeaking() {
    int[] ids = tokenizer.encode("The answer is forty-two. END OF STORY and more");
    Recorder sink = new Recorder();
    Generation g = generation(List.of("D OF S"), false, sink);
    feed(g, ids);
    assertEquals("The answer is forty-two. EN", sink.content.toString());
    assertEquals("stop", sink.finish);
    assertTrue(sink.usage.completionTokens() < ids.length, "stopped before the end");
    for (String d : sink.contentDeltas) assertTrue(!d.contains("D OF"), d);
  }

  @Test
  void multiByteCharactersAreNeverSplit() {
    String text = "日本語のテキスト 🎉 ok";
    int[] ids = tokenizer.encode(text);
    Recorder sink = new Recorder();
    Generation g = generation(List.of(), false, sink);
    feed(g, ids);
    g.onFinish(FinishReason.LENGTH, ids.length);
    assertEquals(text, sink.content.toString());
    for (String d : sink.contentDeltas) assertTrue(!d.contains("\uFFFD"), "no replacement char in " + d);
    assertEquals("length", sink.finish);
  }

  @Test
  void repeatedTokenEventsAreIgnoredAndErrorsMapToHttp() {
    int[] ids = tokenizer.encode("abc def");
    Recorder sink = new Recorder();
    Generation g = generation(List.of(), false, sink);
    feed(g, ids);
    feed(g, ids); // a failover replays nothing twice
    g.onError(new SequenceFailure(SequenceFailure.Kind.NO_PIPELINE, "none ready"));
    assertEquals("abc def", sink.content.toString());
    assertEquals(503, sink.error.status());
  }
}
