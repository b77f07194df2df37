package dev.brigade.gateway.mesh;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.MapEvent;
import dev.brigade.protocol.MapNames;
import dev.brigade.protocol.control.PipelineRecord;
import dev.brigade.protocol.control.PipelineState;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The gateway's local copy of the pipeline table ({@link MapNames#PIPELINES}, pipeline id to
 * JSON), kept current by a Hazelcast entry listener so routing never waits on the network.
 */
public final class PipelineDirectory implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PipelineDirectory.class.getName());

  private final IMap<String, String> map;
  private final Map<String, PipelineRecord> cache = new ConcurrentHashMap<>();
  private final UUID listenerId;

  public PipelineDirectory(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(MapNames.PIPELINES);
    this.listenerId = map.addEntryListener(new Listener(), true);
    map.forEach((id, json) -> put(id, json));
  }

  /** Pipelines gateways may route to now. */
  public List<PipelineRecord> ready() {
    List<PipelineRecord> out = new ArrayList<>();
    for (PipelineRecord p : cache.values()) {
      if (p.state() == PipelineState.READY && !p.stages().isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  public PipelineRecord get(String pipelineId) {
    return cache.get(pipelineId);
  }

  private void put(String id, String json) {
    try {
      cache.put(id, PipelineRecord.fromJson(new JsonObject(json)));
    } catch (RuntimeException e) {
      LOG.warning("pipeline table entry " + id + " is not a pipeline record: " + e.getMessage());
      cache.remove(id);
    }
  }

  @Override
  public void close() {
    try {
      map.removeEntryListener(listenerId);
    } catch (RuntimeException clusterGone) {
      LOG.fine("pipeline table listener already gone with the cluster");
    }
  }

  private final class Listener
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryEvictedListener<String, String>,
          MapClearedListener {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      put(e.getKey(), e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      put(e.getKey(), e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      cache.remove(e.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> e) {
      cache.remove(e.getKey());
    }

    @Override
    public void mapCleared(MapEvent e) {
      cache.clear();
    }
  }
}
