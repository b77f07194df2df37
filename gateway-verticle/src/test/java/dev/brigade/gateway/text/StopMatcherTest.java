package dev.brigade.gateway.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

  /** Feeds the deltas and returns everything released, plus whether it stopped. */
  private static StopMatcher.Result run(List<String> stops, String... deltas) {
    StopMatcher m = new StopMatcher(stops);
    StringBuilder out = new StringBuilder();
    for (String d : deltas) {
      StopMatcher.Result r = m.push(d);
      out.append(r.text());
      if (r.stopped()) return new StopMatcher.Result(out.toString(), true);
    }
    out.append(m.flush());
    return new StopMatcher.Result(out.toString(), false);
  }

  @Test
  void stopStringSplitAcrossDeltasNeverLeaks() {
    StopMatcher m = new StopMatcher(List.of("END"));
    assertEquals("hello ", m.push("hello E").text(), "the E is held back");
    StopMatcher.Result r = m.push("ND and more");
    assertTrue(r.stopped());
    assertEquals("", r.text());
  }

  @Test
  void heldTextIsReleasedWhenItTurnsOutNotToBeAStop() {
    StopMatcher m = new StopMatcher(List.of("END"));
    assertEquals("a", m.push("aEN").text());
    StopMatcher.Result r = m.push("Dx");
    assertTrue(r.stopped());
    StopMatcher m2 = new StopMatcher(List.of("END"));
    m2.push("aEN");
    assertEquals("ENx", m2.push("x").text());
  }

  @Test
  void flushReleasesAPartialStopAtTheEnd() {
    StopMatcher.Result r = run(List.of("###"), "abc#", "#");
    assertFalse(r.stopped());
    assertEquals("abc##", r.text());
  }

  @Test
  void earliestOfSeveralStopsWins() {
    StopMatcher.Result r = run(List.of("world", "lo w"), "hel", "lo wor", "ld");
    assertTrue(r.stopped());
    assertEquals("hel", r.text());
  }

  @Test
  void stopInsideOneDeltaCutsThere() {
    StopMatcher.Result r = run(List.of("\n\n"), "line one\n\nline two");
    assertTrue(r.stopped());
    assertEquals("line one", r.text());
  }

  @Test
  void characterByCharacterEqualsWholeText() {
    String text = "The quick brown fox STOPjumps";
    String[] chars = text.split("");
    StopMatcher.Result r = run(List.of("STOP"), chars);
    assertTrue(r.stopped());
    assertEquals("The quick brown fox ", r.text());
  }

  @Test
  void noStopsPassesEverythingThrough() {
    StopMatcher m = new StopMatcher(List.of());
    assertEquals("abc", m.push("abc").text());
    assertEquals("", m.flush());
  }
}
