package dev.brigade.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PythonJsonTest {

  @Test
  void floatsMatchPythonRepr() throws IOException {
    int checked = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(getClass().getResourceAsStream("python_float_repr.txt"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#")) continue;
        String[] parts = line.split(" ");
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
        assertEquals(parts[1], PythonJson.floatRepr(d), parts[0]);
        checked++;
      }
    }
    assertEquals(660, checked);
  }

  @Test
  void writesLikeJsonDumpsWithoutAsciiEscaping() throws IOException {
    String in = "{\"b\": [1, -0, 2.50, 1E2, true, null, {}], \"a\": \"é\\u2028\\u0000\\u007f\\\"/\", \"n\": 1e400}";
    assertEquals(
        "{\"b\": [1, 0, 2.5, 100.0, true, null, {}], \"a\": \"é\u2028\\u0000\u007f\\\"/\", \"n\": Infinity}",
        PythonJson.dumps(new ObjectMapper().readTree(in)));
  }
}
