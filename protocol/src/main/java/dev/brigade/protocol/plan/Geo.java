package dev.brigade.protocol.plan;

/**
 * Round-trip times from coordinates: light in fibre covers about 200 km per millisecond, real
 * routes are about 1.5x the great-circle distance, and every path pays a few milliseconds of
 * last-mile latency. Nodes without coordinates (0,0 both) are taken as local to each other.
 */
public final class Geo {
  private static final double EARTH_RADIUS_KM = 6371.0;
  private static final double FIBRE_KM_PER_SECOND = 200_000.0;
  private static final double ROUTE_FACTOR = 1.5;
  /** Round trip between two machines on one site or one metro area. */
  public static final double BASE_RTT_SECONDS = 0.002;

  private Geo() {}

  public static double rttSeconds(NodeSpec a, NodeSpec b) {
    if (a.nodeId().equals(b.nodeId())) return 0;
    double km = distanceKm(a.latitude(), a.longitude(), b.latitude(), b.longitude());
    return BASE_RTT_SECONDS + 2 * ROUTE_FACTOR * km / FIBRE_KM_PER_SECOND;
  }

  /** Great-circle distance (haversine). */
  public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2);
    double dp = p2 - p1, dl = Math.toRadians(lon2 - lon1);
    double s = Math.sin(dp / 2) * Math.sin(dp / 2)
        + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)));
  }
}
