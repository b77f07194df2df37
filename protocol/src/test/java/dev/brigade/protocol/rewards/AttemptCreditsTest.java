package dev.brigade.protocol.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineState;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptCreditsTest {
  private static PipelineRecord pipeline(String id, Object... nodeStartEnd) {
    List<PipelineRecord.Stage> stages = new java.util.ArrayList<>();
    for (int i = 0; i < nodeStartEnd.length; i += 3) {
      stages.add(new PipelineRecord.Stage((String) nodeStartEnd[i], (int) nodeStartEnd[i + 1], (int) nodeStartEnd[i + 2], 0, true));
    }
    return new PipelineRecord(id, PipelineState.READY, 1, 28, stages);
  }

  @Test
  void finishedSequenceCreditsPromptPlusFedBackTokensTimesLayers() {
    PipelineRecord p = pipeline("p1", "a", 0, 10, "b", 10, 28);
    // 7 prompt tokens, 5 generated: the prompt and the first 4 generated went through every layer.
    Credit c = AttemptCredits.of("run", "seq", 0, p, 7, 5);
    assertEquals(11, c.tokens());
    assertEquals(List.of(new Credit.Line("a", 10, 110), new Credit.Line("b", 18, 198)), c.lines());
    assertEquals(11 * 28, c.layerTokens());
    assertEquals("run/0", c.key());
  }

  @Test
  void failoverCreditsEachPipelineForItsOwnPartIncludingThePrefillAgain() {
    PipelineRecord first = pipeline("p1", "a", 0, 10, "b", 10, 28);
    PipelineRecord second = pipeline("p2", "c", 0, 20, "d", 20, 28);
    int prompt = 6;
    // 4 tokens came back from p1 before it broke; p2 prefills prompt + 4 and samples 3 more.
    Credit before = AttemptCredits.of("run", "seq", 0, first, prompt, 4);
    Credit after = AttemptCredits.of("run", "seq", 1, second, prompt + 4, 3);
    assertEquals(prompt + 3, before.tokens());
    assertEquals(prompt + 4 + 2, after.tokens());
    assertEquals(List.of(new Credit.Line("a", 10, 90), new Credit.Line("b", 18, 162)), before.lines());
    assertEquals(List.of(new Credit.Line("c", 20, 240), new Credit.Line("d", 8, 96)), after.lines());
    assertEquals("run/0", before.key());
    assertEquals("run/1", after.key());
  }

  @Test
  void attemptThatReturnedNothingIsNotCredited() {
    assertNull(AttemptCredits.of("run", "seq", 0, pipeline("p1", "a", 0, 28), 100, 0));
  }

  @Test
  void aNodeWithTwoStagesGetsOneLine() {
    Credit c = AttemptCredits.of("run", "seq", 2, pipeline("p1", "a", 0, 4, "b", 4, 8, "a", 8, 12), 1, 1);
    assertEquals(List.of(new Credit.Line("a", 8, 8), new Credit.Line("b", 4, 4)), c.lines());
  }

  @Test
  void jsonRoundTripAndBadInput() {
    Credit c = AttemptCredits.of("run", "seq", 1, pipeline("p1", "a", 0, 3, "b", 3, 5), 4, 2);
    assertEquals(List.of(c), Credit.fromBatch(Credit.batch(List.of(c))));
    assertThrows(IllegalArgumentException.class, () -> Credit.fromBatch(new io.vertx.core.json.JsonObject()));
    assertThrows(IllegalArgumentException.class, () -> AttemptCredits.provenTokens(-1, 1));
  }
}
