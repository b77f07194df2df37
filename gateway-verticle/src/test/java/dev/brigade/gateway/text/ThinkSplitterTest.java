package dev.brigade.gateway.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThinkSplitterTest {

  private static String[] run(String... deltas) {
    ThinkSplitter s = new ThinkSplitter();
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    for (String d : deltas) {
      ThinkSplitter.Split out = s.push(d);
      reasoning.append(out.reasoning());
      content.append(out.content());
    }
    ThinkSplitter.Split last = s.flush();
    reasoning.append(last.reasoning());
    content.append(last.content());
    return new String[] {reasoning.toString(), content.toString()};
  }

  @Test
  void reasoningThenContent() {
    String[] out = run("<think>", "\nLet me think.", "\n", "</think>", "\n\n", "The answer is 4.");
    assertEquals("\nLet me think.\n", out[0]);
    assertEquals("The answer is 4.", out[1]);
  }

  @Test
  void tagsSplitAcrossDeltas() {
    String[] out = run("<th", "ink>why", " not</th", "ink>\n\nbecause");
    assertEquals("why not", out[0]);
    assertEquals("because", out[1]);
  }

  @Test
  void noOpeningTagMeansAllContent() {
    String[] out = run("Hello ", "<think>not reasoning</think>");
    assertEquals("", out[0]);
    assertEquals("Hello <think>not reasoning</think>", out[1]);
  }

  @Test
  void reasoningStreamsAsItComes() {
    ThinkSplitter s = new ThinkSplitter();
    s.push("<think>");
    assertEquals("step one ", s.push("step one ").reasoning());
    assertEquals("step two", s.push("step two</").reasoning(), "a '</' is held back");
    ThinkSplitter.Split next = s.push("br>");
    assertEquals("</br>", next.reasoning());
  }

  @Test
  void unfinishedThinkingIsReasoningAtTheEnd() {
    String[] out = run("<think>cut off mid", " thought</thi");
    assertEquals("cut off mid thought</thi", out[0]);
    assertEquals("", out[1]);
  }

  @Test
  void shortOutputThatIsAPrefixOfTheTagIsContent() {
    String[] out = run("<th");
    assertEquals("", out[0]);
    assertEquals("<th", out[1]);
  }
}
