package dev.brigade.scheduler.simulation;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Where community nodes sit: a few regions with a share of the fleet each; a node lands
 * within a few degrees of its region's centre. Round trips come from {@link
 * dev.brigade.protocol.plan.Geo}.
 */
final class Geography {
  record Region(String name, double latitude, double longitude, double share) {}

  static final List<Region> REGIONS = List.of(
      new Region("us-east", 40.7, -74.0, 0.17),
      new Region("us-west", 37.8, -122.4, 0.13),
      new Region("south-america", -23.5, -46.6, 0.05),
      new Region("europe-west", 50.1, 8.7, 0.20),
      new Region("europe-north", 59.3, 18.1, 0.05),
      new Region("india", 19.1, 72.9, 0.07),
      new Region("china", 31.2, 121.5, 0.13),
      new Region("japan-korea", 35.7, 139.7, 0.08),
      new Region("southeast-asia", 1.35, 103.8, 0.07),
      new Region("australia", -33.9, 151.2, 0.05));

  private static final double JITTER_DEGREES = 3.0;

  private Geography() {}

  static Region draw(RandomGenerator rng) {
    double u = rng.nextDouble(), run = 0;
    for (Region r : REGIONS) {
      run += r.share();
      if (u < run) return r;
    }
    return REGIONS.getLast();
  }

  static double jitter(RandomGenerator rng) {
    return (rng.nextDouble() * 2 - 1) * JITTER_DEGREES;
  }
}
