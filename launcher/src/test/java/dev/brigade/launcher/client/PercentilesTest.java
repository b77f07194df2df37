package dev.brigade.launcher.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void nearestRank() {
    List<Double> values = new ArrayList<>();
    for (int i = 100; i >= 1; i--) values.add((double) i);
    Percentiles p = new Percentiles(values);
    assertEquals(50.0, p.at(50));
    assertEquals(90.0, p.at(90));
    assertEquals(99.0, p.at(99));
    assertEquals(100.0, p.at(100));
    assertEquals(50.5, p.mean());
  }

  @Test
  void emptyIsNaN() {
    assertTrue(Double.isNaN(new Percentiles(List.of()).at(50)));
  }
}
