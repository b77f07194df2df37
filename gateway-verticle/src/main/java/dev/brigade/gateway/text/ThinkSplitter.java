package dev.brigade.gateway.text;

/**
 * Splits streamed model output into reasoning and content. When the output opens with
 * {@code <think>}, what lies before {@code </think>} is reasoning and the rest is content (the
 * newlines right after the closing tag are dropped); otherwise everything is content. Tag
 * fragments are held back until they are known to be, or not to be, a tag.
 */
public final class ThinkSplitter {
  public static final String OPEN = "<think>";
  public static final String CLOSE = "</think>";

  /** New reasoning and content text; either may be empty. */
  public record Split(String reasoning, String content) {
    public boolean isEmpty() {
      return reasoning.isEmpty() && content.isEmpty();
    }
  }

  private enum State { UNDECIDED, REASONING, CONTENT }

  private State state = State.UNDECIDED;
  private final StringBuilder held = new StringBuilder();
  private boolean trimNewlines;

  public Split push(String delta) {
    held.append(delta);
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    drain(reasoning, content);
    return new Split(reasoning.toString(), content.toString());
  }

  /** The output ended: whatever is held goes where it was heading. */
  public Split flush() {
    String rest = held.toString();
    held.setLength(0);
    return switch (state) {
      case REASONING -> new Split(rest, "");
      case UNDECIDED, CONTENT -> new Split("", rest);
    };
  }

  private void drain(StringBuilder reasoning, StringBuilder content) {
    while (true) {
      switch (state) {
        case UNDECIDED -> {
          if (held.length() >= OPEN.length() && held.indexOf(OPEN) == 0) {
            held.delete(0, OPEN.length());
            state = State.REASONING;
          } else if (held.length() < OPEN.length() && OPEN.startsWith(held.toString())) {
            return; // "<thi" may still become "<think>"
          } else {
            state = State.CONTENT;
          }
        }
        case REASONING -> {
          int close = held.indexOf(CLOSE);
          if (close >= 0) {
            reasoning.append(held, 0, close);
            held.delete(0, close + CLOSE.length());
            state = State.CONTENT;
            trimNewlines = true;
          } else {
            int keep = Prefixes.partialSuffix(held, CLOSE);
            reasoning.append(held, 0, held.length() - keep);
            held.delete(0, held.length() - keep);
            return;
          }
        }
        case CONTENT -> {
          if (trimNewlines) {
            int i = 0;
            while (i < held.length() && held.charAt(i) == '\n') i++;
            held.delete(0, i);
            if (held.isEmpty()) return;
            trimNewlines = false;
          }
          content.append(held);
          held.setLength(0);
          return;
        }
      }
    }
  }
}
