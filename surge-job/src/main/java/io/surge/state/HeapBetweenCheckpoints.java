package io.surge.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap.SimpleEntry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;

/**
 * The keyed state of the zones touched since the last checkpoint, on the heap, and in the state backend (RocksDB) at
 * every checkpoint: the operator calls {@link #writeBack} before each checkpoint's barrier, and between records
 * whenever it is {@link #full}, so the heap holds a bounded number of zones and every checkpoint holds all state.
 *
 * <p>The windows read and rewrite a zone's entries at every record and iterate them all at every firing; flink-cep's
 * shared buffer writes back every node and event it read, and its NFA state, at every CEP time of a zone. On RocksDB
 * each of those is a serialization and a native call, many times a second per zone. Here a zone's state is read from
 * the backend once between checkpoints and each changed entry written to it once. Objects are kept by reference
 * between reads, as the heap state backend keeps them, which Flink's own operators and flink-cep support.
 *
 * <p>A zone's map state is read whole on its first use: the windows iterate it all at each firing anyway, and
 * iterating it then needs no backend.
 *
 * <p>Only what the backend holds is deleted from it. Most entries live and die between two write-backs (a rule's
 * records waiting for the watermark, a zone's open sequences); deleting those anyway left a RocksDB tombstone each,
 * which every later read of the zone's map had to seek past until a compaction dropped it: on the world-sized
 * benchmark, a third of the rules' time on multipliers.
 */
public final class HeapBetweenCheckpoints<K> extends ValueAndMapStateStore {

    /**
     * How many zones an operator holds on the heap before it writes them back between checkpoints. A zone held takes
     * some KB (its drivers' statuses, its open partial matches): with 10,000 the world-sized benchmark held up to
     * 770 MB after a collection; a city's busy zones, a few hundred per subtask, stay held for a whole interval.
     */
    private static final int MAX_ZONES = 2_000;

    private final KeyedStateStore backend;
    private final KeyedStateBackend<K> zones;
    private final int maxZones;
    /** By state name, so that a state asked for twice is one heap image. */
    private final Map<String, Held<K>> states = new LinkedHashMap<>();
    /** The zones some state has read from the backend since the last write-back. */
    private final Set<K> held = new HashSet<>();

    /**
     * @param backend where the state is kept at checkpoints
     * @param zones the keyed backend whose current key is the zone
     */
    public HeapBetweenCheckpoints(KeyedStateStore backend, KeyedStateBackend<K> zones) {
        this(backend, zones, MAX_ZONES);
    }

    HeapBetweenCheckpoints(KeyedStateStore backend, KeyedStateBackend<K> zones, int maxZones) {
        this.backend = backend;
        this.zones = zones;
        this.maxZones = maxZones;
    }

    /** Whether the zones held have reached the bound. */
    boolean full() {
        return held.size() >= maxZones;
    }

    /** Writes back once the zones held have reached the bound: between records, as after a watermark. */
    public void writeBackIfFull() throws Exception {
        if (full()) {
            writeBack();
        }
    }

    /** Writes every held zone's changes to the backend and empties the heap. The current zone stays as it was. */
    public void writeBack() throws Exception {
        if (held.isEmpty()) {
            return;
        }
        K current = zones.getCurrentKey();
        for (K zone : held) {
            zones.setCurrentKey(zone);
            for (Held<K> state : states.values()) {
                state.writeBack(zone);
            }
        }
        states.values().forEach(Held::forget);
        held.clear();
        if (current != null) {
            zones.setCurrentKey(current);
        }
    }

    /** Writes back, then no longer holds these states: for a retired rule, whose state is then cleared in the backend. */
    public void release(List<StateDescriptor<?, ?>> released) throws Exception {
        writeBack();
        released.forEach(state -> states.remove(state.getName()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        return (ValueState<T>)
                states.computeIfAbsent(descriptor.getName(), name -> new HeldValue<>(backend.getState(descriptor)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
        return (MapState<UK, UV>)
                states.computeIfAbsent(descriptor.getName(), name -> new HeldMap<>(backend.getMapState(descriptor)));
    }

    @Override
    public String getBackendTypeIdentifier() {
        return backend.getBackendTypeIdentifier();
    }

    /** One state's heap image, per zone. */
    private interface Held<K> {
        /** Writes the zone's changes to the backend state; the backend's current key is the zone. */
        void writeBack(K zone) throws Exception;

        void forget();
    }

    private final class HeldValue<T> implements ValueState<T>, Held<K> {
        private final ValueState<T> stored;
        private final Map<K, Slot<T>> byZone = new HashMap<>();

        HeldValue(ValueState<T> stored) {
            this.stored = stored;
        }

        private Slot<T> slot() throws IOException {
            K zone = zones.getCurrentKey();
            Slot<T> slot = byZone.get(zone);
            if (slot == null) {
                slot = new Slot<>(stored.value());
                byZone.put(zone, slot);
                held.add(zone);
            }
            return slot;
        }

        @Override
        public T value() throws IOException {
            return slot().value;
        }

        @Override
        public void update(T value) throws IOException {
            Slot<T> slot = slot();
            slot.value = value;
            slot.changed = true;
        }

        @Override
        public void clear() {
            try {
                update(null);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the state of zone " + zones.getCurrentKey(), e);
            }
        }

        @Override
        public void writeBack(K zone) throws Exception {
            Slot<T> slot = byZone.get(zone);
            if (slot != null && slot.changed) {
                if (slot.value != null) {
                    stored.update(slot.value);
                } else if (slot.inBackend) {
                    stored.clear();
                }
            }
        }

        @Override
        public void forget() {
            byZone.clear();
        }
    }

    private static final class Slot<T> {
        T value;
        boolean changed;
        /** Whether the backend held a value when the zone was read. */
        final boolean inBackend;

        Slot(T value) {
            this.value = value;
            this.inBackend = value != null;
        }
    }

    private final class HeldMap<UK, UV> implements MapState<UK, UV>, Held<K> {
        private final MapState<UK, UV> stored;
        private final Map<K, ZoneMap<UK, UV>> byZone = new HashMap<>();

        HeldMap(MapState<UK, UV> stored) {
            this.stored = stored;
        }

        private ZoneMap<UK, UV> map() throws Exception {
            K zone = zones.getCurrentKey();
            ZoneMap<UK, UV> map = byZone.get(zone);
            if (map == null) {
                map = new ZoneMap<>();
                for (Map.Entry<UK, UV> entry : stored.entries()) {
                    map.values.put(entry.getKey(), entry.getValue());
                }
                byZone.put(zone, map);
                held.add(zone);
            }
            return map;
        }

        @Override
        public UV get(UK key) throws Exception {
            return map().values.get(key);
        }

        @Override
        public void put(UK key, UV value) throws Exception {
            ZoneMap<UK, UV> map = map();
            map.changing(key);
            map.values.put(key, value);
        }

        @Override
        public void putAll(Map<UK, UV> values) throws Exception {
            ZoneMap<UK, UV> map = map();
            values.keySet().forEach(map::changing);
            map.values.putAll(values);
        }

        @Override
        public void remove(UK key) throws Exception {
            ZoneMap<UK, UV> map = map();
            map.changing(key);
            map.values.remove(key);
        }

        @Override
        public boolean contains(UK key) throws Exception {
            return map().values.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<UK, UV>> entries() throws Exception {
            ZoneMap<UK, UV> map = map();
            return () -> map.removing(map::entry);
        }

        @Override
        public Iterable<UK> keys() throws Exception {
            ZoneMap<UK, UV> map = map();
            return () -> map.removing((key, value) -> key);
        }

        @Override
        public Iterable<UV> values() throws Exception {
            ZoneMap<UK, UV> map = map();
            return () -> map.removing((key, value) -> value);
        }

        @Override
        public Iterator<Map.Entry<UK, UV>> iterator() throws Exception {
            return entries().iterator();
        }

        @Override
        public boolean isEmpty() throws Exception {
            return map().values.isEmpty();
        }

        @Override
        public void clear() {
            try {
                ZoneMap<UK, UV> map = map();
                map.values.keySet().forEach(map::changing);
                map.values.clear();
            } catch (Exception e) {
                throw new IllegalStateException("reading the state of zone " + zones.getCurrentKey(), e);
            }
        }

        @Override
        public void writeBack(K zone) throws Exception {
            ZoneMap<UK, UV> map = byZone.get(zone);
            if (map == null) {
                return;
            }
            for (Map.Entry<UK, Boolean> change : map.changed.entrySet()) {
                UK key = change.getKey();
                if (map.values.containsKey(key)) {
                    stored.put(key, map.values.get(key));
                } else if (change.getValue()) {
                    stored.remove(key);
                }
            }
        }

        @Override
        public void forget() {
            byZone.clear();
        }
    }

    /** A zone's whole map as the backend held it, with the changes since. */
    private static final class ZoneMap<UK, UV> {
        final Map<UK, UV> values = new HashMap<>();
        /** The keys changed since the zone was read, each with whether the backend held it then. */
        final Map<UK, Boolean> changed = new HashMap<>();

        /** Notes a change of the key, before it is made: until its first, {@link #values} holds what the backend does. */
        void changing(UK key) {
            changed.computeIfAbsent(key, values::containsKey);
        }

        /** An entry of the map whose {@code setValue} is a change, as through a backend's iterator. */
        Map.Entry<UK, UV> entry(UK key, UV value) {
            return new SimpleEntry<>(key, value) {
                @Override
                public UV setValue(UV newValue) {
                    changing(key);
                    values.put(key, newValue);
                    return super.setValue(newValue);
                }
            };
        }

        /** Iterates the entries as {@code shown}, recording a removal through the iterator as a change. */
        <E> Iterator<E> removing(BiFunction<UK, UV, E> shown) {
            Iterator<Map.Entry<UK, UV>> entries = values.entrySet().iterator();
            return new Iterator<>() {
                private UK last;

                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public E next() {
                    Map.Entry<UK, UV> entry = entries.next();
                    last = entry.getKey();
                    return shown.apply(entry.getKey(), entry.getValue());
                }

                @Override
                public void remove() {
                    changing(last);
                    entries.remove();
                }
            };
        }
    }
}
