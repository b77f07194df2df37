package dev.brigade.scheduler;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The scheduler's working copy of one cluster map. The active scheduler is the only writer: it
 * reads and changes rows in memory and writes each change through to the Hazelcast map as JSON
 * text (readable in Management Center, and what a standby scheduler loads on takeover). Writes
 * are chained so a key's map value always ends at its newest row.
 */
final class SharedTable<T> {
  private static final System.Logger LOG = System.getLogger(SharedTable.class.getName());

  private final String name;
  private final AsyncMap<String, String> map;
  private final Function<T, JsonObject> encode;
  private final Map<String, T> rows = new LinkedHashMap<>();
  private Future<Void> writes = Future.succeededFuture();

  private SharedTable(String name, AsyncMap<String, String> map, Function<T, JsonObject> encode) {
    this.name = name;
    this.map = map;
    this.encode = encode;
  }

  /** Opens the cluster map {@code name} and loads its rows. */
  static <T> Future<SharedTable<T>> open(
      Vertx vertx, String name, Function<T, JsonObject> encode, Function<JsonObject, T> decode) {
    return vertx.sharedData().<String, String>getClusterWideMap(name)
        .compose(map -> map.entries().map(entries -> {
          SharedTable<T> table = new SharedTable<>(name, map, encode);
          entries.forEach((k, v) -> table.rows.put(k, decode.apply(new JsonObject(v))));
          return table;
        }));
  }

  T get(String key) {
    return rows.get(key);
  }

  Collection<T> all() {
    return Collections.unmodifiableCollection(rows.values());
  }

  void put(String key, T row) {
    rows.put(key, row);
    String text = encode.apply(row).encode();
    chain(() -> map.put(key, text), key);
  }

  void remove(String key) {
    rows.remove(key);
    chain(() -> map.remove(key).mapEmpty(), key);
  }

  /** Completes once every change made so far reached the cluster map. */
  Future<Void> flushed() {
    return writes;
  }

  private void chain(java.util.function.Supplier<Future<Void>> write, String key) {
    writes = writes.transform(ignored -> write.get()).recover(e -> {
      LOG.log(System.Logger.Level.WARNING, "could not write " + name + "[" + key + "]: " + e.getMessage());
      return Future.succeededFuture();
    });
  }
}
