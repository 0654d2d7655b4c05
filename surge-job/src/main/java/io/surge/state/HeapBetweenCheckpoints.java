package io.surge.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;

/**
 * The keyed state of the zones used most recently, on the heap, and in the state backend (RocksDB) at every
 * checkpoint: the operator calls {@link #writeBack} before each checkpoint's barrier, which writes every change and
 * keeps the zones held, and {@link #writeBackIfFull} between records, which writes back and lets go of the least
 * recently used half once the heap holds its bound of zones. Every checkpoint holds all state.
 *
 * <p>The windows read and rewrite a zone's entries at every record and iterate them all at every firing; flink-cep's
 * shared buffer writes back every node and event it read, and its NFA state, at every CEP time of a zone. On RocksDB
 * each of those is a serialization and a native call, many times a second per zone. Here a zone's state is read from
 * the backend once while it stays among the recently used, and each changed entry written to it once per checkpoint
 * or when the zone is let go.
 * Objects are kept by reference between reads, as the heap state backend keeps them, which Flink's own operators and
 * flink-cep support. A busy zone stays held across checkpoints; on a world-sized map, where most zones are touched
 * rarely, the busy ones are not read again after each zone that passes through.
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

    private final KeyedStateStore backend;
    private final KeyedStateBackend<K> zones;
    private final int maxZones;
    /** By state name, so that a state asked for twice is one heap image. */
    private final Map<String, Held<?, ?>> states = new LinkedHashMap<>();
    /** Each zone held, least recently used first, with its images: one per state, at the state's index. */
    private final LinkedHashMap<K, Object[]> held = new LinkedHashMap<>(16, 0.75f, true);
    /** How many indexes of states there are: the size of a zone's images. */
    private int stateCount;
    /** The indexes of released states, for the next states asked for. */
    private final Deque<Integer> freeIndexes = new ArrayDeque<>();
    /** The zone last used and its images: a record or a timer uses several states of one zone in a row. */
    private K lastZone;

    private Object[] lastImages;

    /**
     * @param backend where the state is kept at checkpoints
     * @param zones the keyed backend whose current key is the zone
     * @param maxZones how many zones to hold on the heap at most: the operator knows how much one of its zones holds
     */
    public HeapBetweenCheckpoints(KeyedStateStore backend, KeyedStateBackend<K> zones, int maxZones) {
        this.backend = backend;
        this.zones = zones;
        this.maxZones = maxZones;
    }

    /** Whether the zones held have reached the bound. */
    boolean full() {
        return held.size() >= maxZones;
    }

    /**
     * Once the zones held have reached the bound, writes back the least recently used of them and lets go of them,
     * down to half the bound: between records, as after a watermark. The current zone stays as it was.
     */
    public void writeBackIfFull() throws Exception {
        if (full()) {
            writeBackAndLetGo(held.size() - maxZones / 2);
        }
    }

    /**
     * Writes every held zone's changes to the backend, before a checkpoint's barrier, keeping the zones held within the
     * bound (more can gather while the watermark stands still). The current zone stays as it was.
     */
    public void writeBack() throws Exception {
        K current = zones.getCurrentKey();
        for (Map.Entry<K, Object[]> zone : held.entrySet()) {
            writeBack(zone.getKey(), zone.getValue());
        }
        setCurrentKey(current);
        writeBackIfFull();
    }

    /**
     * No longer holds these states, dropping their changes: for a retired rule, whose state the caller then clears in
     * the backend. Their indexes serve the states asked for next.
     */
    public void release(List<StateDescriptor<?, ?>> released) {
        for (StateDescriptor<?, ?> state : released) {
            Held<?, ?> gone = states.remove(state.getName());
            if (gone != null) {
                held.values().forEach(gone::forget);
                freeIndexes.push(gone.index);
            }
        }
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

    private void writeBackAndLetGo(int leastRecentlyUsed) throws Exception {
        K current = zones.getCurrentKey();
        Iterator<Map.Entry<K, Object[]>> eldest = held.entrySet().iterator();
        for (int i = 0; i < leastRecentlyUsed && eldest.hasNext(); i++) {
            Map.Entry<K, Object[]> zone = eldest.next();
            writeBack(zone.getKey(), zone.getValue());
            eldest.remove();
        }
        lastZone = null;
        lastImages = null;
        setCurrentKey(current);
    }

    private void writeBack(K zone, Object[] images) throws Exception {
        zones.setCurrentKey(zone);
        for (Held<?, ?> state : states.values()) {
            state.writeBack(images);
        }
    }

    private void setCurrentKey(K zone) {
        if (zone != null) {
            zones.setCurrentKey(zone);
        }
    }

    /** The current zone's images, now its most recently used. */
    private Object[] currentImages() {
        K zone = zones.getCurrentKey();
        if (zone == null) {
            throw new IllegalStateException("keyed state used with no current zone");
        }
        // The backend hands back the key object it was given until it is given another, so a zone used again at once
        // is the same object (and already the most recently used); an equal one, as the next record's, is looked up.
        if (zone != lastZone) {
            Object[] images = held.get(zone);
            if (images == null) {
                images = new Object[stateCount];
                held.put(zone, images);
            }
            lastZone = zone;
            lastImages = images;
        }
        return lastImages;
    }

    /**
     * One state's heap image of each zone held, read from the backend on the zone's first use of the state.
     *
     * @param <I> the image of a zone's state
     * @param <E> what reading it from the backend throws
     */
    private abstract class Held<I, E extends Exception> {
        private final int index = freeIndexes.isEmpty() ? stateCount++ : freeIndexes.pop();

        /** The current zone's image, read from the backend's state (whose current key is the zone) if not held. */
        @SuppressWarnings("unchecked")
        I image() throws E {
            Object[] images = currentImages();
            if (index >= images.length) { // a state asked for after the zone was first held
                images = Arrays.copyOf(images, stateCount);
                held.put(lastZone, images);
                lastImages = images;
            }
            I image = (I) images[index];
            if (image == null) {
                image = read();
                images[index] = image;
            }
            return image;
        }

        abstract I read() throws E;

        /** Writes the zone's changes to the backend state, whose current key is the zone; the image stays held. */
        @SuppressWarnings("unchecked")
        void writeBack(Object[] images) throws Exception {
            if (index < images.length && images[index] != null) {
                writeBackImage((I) images[index]);
            }
        }

        abstract void writeBackImage(I image) throws Exception;

        void forget(Object[] images) {
            if (index < images.length) {
                images[index] = null;
            }
        }
    }

    private final class HeldValue<T> extends Held<Slot<T>, IOException> implements ValueState<T> {
        private final ValueState<T> stored;

        HeldValue(ValueState<T> stored) {
            this.stored = stored;
        }

        @Override
        Slot<T> read() throws IOException {
            return new Slot<>(stored.value());
        }

        @Override
        public T value() throws IOException {
            return image().value;
        }

        @Override
        public void update(T value) throws IOException {
            Slot<T> slot = image();
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
        void writeBackImage(Slot<T> slot) throws IOException {
            if (!slot.changed) {
                return;
            }
            if (slot.value != null) {
                stored.update(slot.value);
            } else if (slot.inBackend) {
                stored.clear();
            }
            slot.inBackend = slot.value != null;
            slot.changed = false;
        }
    }

    private static final class Slot<T> {
        T value;
        boolean changed;
        /** Whether the backend holds a value: when the zone was read, or at its last write-back. */
        boolean inBackend;

        Slot(T value) {
            this.value = value;
            this.inBackend = value != null;
        }
    }

    private final class HeldMap<UK, UV> extends Held<ZoneMap<UK, UV>, Exception> implements MapState<UK, UV> {
        private final MapState<UK, UV> stored;

        HeldMap(MapState<UK, UV> stored) {
            this.stored = stored;
        }

        @Override
        ZoneMap<UK, UV> read() throws Exception {
            ZoneMap<UK, UV> map = new ZoneMap<>();
            for (Map.Entry<UK, UV> entry : stored.entries()) {
                map.values.put(entry.getKey(), entry.getValue());
            }
            return map;
        }

        @Override
        public UV get(UK key) throws Exception {
            return image().values.get(key);
        }

        @Override
        public void put(UK key, UV value) throws Exception {
            ZoneMap<UK, UV> map = image();
            map.changing(key);
            map.values.put(key, value);
        }

        @Override
        public void putAll(Map<UK, UV> values) throws Exception {
            ZoneMap<UK, UV> map = image();
            values.keySet().forEach(map::changing);
            map.values.putAll(values);
        }

        @Override
        public void remove(UK key) throws Exception {
            ZoneMap<UK, UV> map = image();
            map.changing(key);
            map.values.remove(key);
        }

        @Override
        public boolean contains(UK key) throws Exception {
            return image().values.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<UK, UV>> entries() throws Exception {
            ZoneMap<UK, UV> map = image();
            return () -> map.removing(map::entry);
        }

        @Override
        public Iterable<UK> keys() throws Exception {
            ZoneMap<UK, UV> map = image();
            return () -> map.removing((key, value) -> key);
        }

        @Override
        public Iterable<UV> values() throws Exception {
            ZoneMap<UK, UV> map = image();
            return () -> map.removing((key, value) -> value);
        }

        @Override
        public Iterator<Map.Entry<UK, UV>> iterator() throws Exception {
            return entries().iterator();
        }

        @Override
        public boolean isEmpty() throws Exception {
            return image().values.isEmpty();
        }

        @Override
        public void clear() {
            try {
                ZoneMap<UK, UV> map = image();
                map.values.keySet().forEach(map::changing);
                map.values.clear();
            } catch (Exception e) {
                throw new IllegalStateException("reading the state of zone " + zones.getCurrentKey(), e);
            }
        }

        @Override
        void writeBackImage(ZoneMap<UK, UV> map) throws Exception {
            for (Map.Entry<UK, Boolean> change : map.changed.entrySet()) {
                UK key = change.getKey();
                UV value = map.values.get(key);
                if (value != null || map.values.containsKey(key)) {
                    stored.put(key, value);
                } else if (change.getValue()) {
                    stored.remove(key);
                }
            }
            map.changed.clear();
        }
    }

    /** A zone's whole map; the backend holds the same but for the keys in {@link #changed}. */
    private static final class ZoneMap<UK, UV> {
        final Map<UK, UV> values = new HashMap<>();
        /**
         * The keys changed since the zone was read or last written back, each with whether the backend held it at its
         * first change since.
         */
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
