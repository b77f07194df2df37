package dev.brigade.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.testing.TinyModelFixture;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The baseline's line protocol, on the tiny model, without a second process. */
class WholeModelTest {

  private static List<String> serve(WholeModel whole, String requests) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      whole.serve(new BufferedReader(new StringReader(requests)), print);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void answersEachDecodeRequestWithTheGreedyTokensAndTheirTimes() throws Exception {
    try (WholeModel whole = new WholeModel(TinyModelFixture.path(false), "cpu", 64)) {
      List<String> lines = serve(whole, "decode 4 1,2,3\ndecode 4 1,2,3\n");
      assertEquals(3, lines.size(), lines.toString());
      assertEquals(WholeModel.READY, lines.get(0));
      assertEquals(lines.get(1).split(" ")[1], lines.get(2).split(" ")[1], "greedy: the same tokens twice");
      String[] reply = lines.get(1).split(" ");
      assertEquals("tokens", reply[0]);
      assertEquals("times", reply[2]);
      assertEquals(4, reply[1].split(",").length);
      String[] times = reply[3].split(",");
      assertEquals(4, times.length);
      for (int i = 1; i < times.length; i++) {
        assertTrue(Long.parseLong(times[i]) >= Long.parseLong(times[i - 1]), "times in order");
      }
      assertEquals(List.of(lines.get(1).split(" ")[1].split(",")),
          whole.decode(new int[] {1, 2, 3}, 4).tokens.stream().map(String::valueOf).toList(),
          "the pipe gives what an in-process decode gives");
    }
  }

  @Test
  void aMalformedRequestIsRefusedByName() throws Exception {
    try (WholeModel whole = new WholeModel(TinyModelFixture.path(false), "cpu", 64)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serve(whole, "prefill 1,2\n"));
      assertTrue(e.getMessage().contains("prefill 1,2"), e.getMessage());
    }
  }
}
