package dev.brigade.protocol.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lease id set agrees with java.util.HashSet under random adds and removes. */
class LongSetTest {

  @Test
  void behavesLikeAHashSet() {
    Random rng = new Random(3);
    LongSet set = new LongSet();
    Set<Long> reference = new HashSet<>();
    for (int step = 0; step < 200_000; step++) {
      long key = 1 + rng.nextInt(rng.nextBoolean() ? 50 : 5_000);
      if (rng.nextInt(3) == 0) assertEquals(reference.remove(key), set.remove(key), "remove " + key);
      else assertEquals(reference.add(key), set.add(key), "add " + key);
      assertEquals(reference.size(), set.size());
    }
    for (long key = 1; key <= 5_000; key++) assertEquals(reference.contains(key), set.contains(key), "contains " + key);
  }
}
