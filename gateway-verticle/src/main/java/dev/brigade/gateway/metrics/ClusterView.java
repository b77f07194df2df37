package dev.brigade.gateway.metrics;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.brigade.protocol.MapNames;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster maps (nodes, pipelines, rewards) as last read: refreshed every second on a worker
 * thread so that neither a scrape nor the dashboard ever waits on Hazelcast from an event loop.
 * Reading a whole map touches every partition, so it only reads while someone looks (a scrape or
 * the dashboard within the last {@link #IDLE_AFTER_MS} ms).
 */
public final class ClusterView {
  private static final Logger LOG = Logger.getLogger(ClusterView.class.getName());
  static final long REFRESH_MS = 1000;
  static final long IDLE_AFTER_MS = 30_000;

  /** One reading of the three maps, each sorted by key. */
  public record Snapshot(JsonArray nodes, JsonArray pipelines, JsonArray rewards) {
    static final Snapshot EMPTY = new Snapshot(new JsonArray(), new JsonArray(), new JsonArray());
  }

  private final Vertx vertx;
  private final Supplier<HazelcastInstance> hazelcast;
  private volatile Snapshot latest = Snapshot.EMPTY;
  private long timer = -1;
  private boolean reading;
  private volatile long lastAskedMillis = System.currentTimeMillis();

  public ClusterView(Vertx vertx, Supplier<HazelcastInstance> hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  /** Reads now, then every second; call on the owning verticle's context. */
  public void start() {
    refresh();
    timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
  }

  public void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  public Snapshot latest() {
    lastAskedMillis = System.currentTimeMillis();
    return latest;
  }

  private void refresh() {
    if (reading) return; // a slow read is still running: skip this tick rather than pile up
    if (System.currentTimeMillis() - lastAskedMillis > IDLE_AFTER_MS) return;
    reading = true;
    vertx.executeBlocking(this::read, false)
        .onComplete(r -> {
          reading = false;
          if (r.succeeded()) {
            latest = r.result();
          } else {
            LOG.log(Level.FINE, "cluster maps not readable: " + r.cause().getMessage());
          }
        });
  }

  private Snapshot read() {
    HazelcastInstance hz = hazelcast.get();
    return new Snapshot(
        values(hz.getMap(MapNames.NODES)),
        values(hz.getMap(MapNames.PIPELINES)),
        values(hz.getMap(MapNames.REWARDS)));
  }

  private static JsonArray values(IMap<String, String> map) {
    Map<String, String> sorted = new TreeMap<>(map);
    JsonArray out = new JsonArray();
    for (String v : sorted.values()) {
      try {
        out.add(new JsonObject(v));
      } catch (RuntimeException notJson) {
        LOG.log(Level.FINE, "skipping a map value that is not a JSON object");
      }
    }
    return out;
  }
}
