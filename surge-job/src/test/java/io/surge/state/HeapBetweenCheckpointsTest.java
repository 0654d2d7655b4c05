package io.surge.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The heap layer over RocksDB against plain maps: whatever is read through it is what the maps hold, and once
 * written back, RocksDB holds exactly what the maps hold, zone by zone.
 */
class HeapBetweenCheckpointsTest {

    private static final MapStateDescriptor<Long, String> BY_TIME =
            new MapStateDescriptor<>("by-time", Types.LONG, Types.STRING);
    private static final ValueStateDescriptor<String> LATEST = new ValueStateDescriptor<>("latest", Types.STRING);
    private static final List<String> ZONES = List.of("a", "b", "c", "d", "e");

    @Test
    void readsWhatPlainMapsHoldAndWritesBackExactlyThat() throws Exception {
        try (var harness = zones()) {
            KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
            KeyedStateStore stored = harness.getOperator().getKeyedStateStore();
            // fewer than the zones, so that zones are let go of and read again
            HeapBetweenCheckpoints<String> heap = new HeapBetweenCheckpoints<>(stored, backend, 3);
            MapState<Long, String> byTime = heap.getMapState(BY_TIME);
            ValueState<String> latest = heap.getState(LATEST);
            assertThat(heap.getMapState(BY_TIME))
                    .as("a state asked for twice is one")
                    .isSameAs(byTime);

            Map<String, TreeMap<Long, String>> maps = new HashMap<>();
            Map<String, String> values = new HashMap<>();
            Random random = new Random(7);
            int writeBacks = 0;
            for (int step = 0; step < 20_000; step++) {
                String zone = ZONES.get(random.nextInt(ZONES.size()));
                // a new key object each time, as Flink's for each record
                backend.setCurrentKey(new String(zone));
                TreeMap<Long, String> map = maps.computeIfAbsent(zone, z -> new TreeMap<>());
                long key = random.nextInt(20);
                switch (random.nextInt(10)) {
                    case 0, 1 -> {
                        byTime.put(key, "v" + step);
                        map.put(key, "v" + step);
                    }
                    case 2 -> {
                        Map<Long, String> more = Map.of(key, "w" + step, key + 1, "x" + step);
                        byTime.putAll(more);
                        map.putAll(more);
                    }
                    case 3 -> {
                        byTime.remove(key);
                        map.remove(key);
                    }
                    case 4 -> {
                        // as flink-cep's shared buffer prunes its event counters
                        for (Iterator<Long> keys = byTime.keys().iterator(); keys.hasNext(); ) {
                            if (keys.next() < key) {
                                keys.remove();
                            }
                        }
                        map.headMap(key).clear();
                    }
                    case 5 -> {
                        if (random.nextInt(10) == 0) {
                            byTime.clear();
                            map.clear();
                        } else {
                            // as the windows prune a driver's statuses
                            for (Map.Entry<Long, String> entry : byTime.entries()) {
                                if (entry.getKey() > key) {
                                    entry.setValue("p" + step);
                                    map.put(entry.getKey(), "p" + step);
                                }
                            }
                        }
                    }
                    case 6 -> {
                        String value = random.nextBoolean() ? null : "s" + step;
                        if (value == null) {
                            latest.clear();
                        } else {
                            latest.update(value);
                        }
                        values.put(zone, value);
                    }
                    case 7 -> {
                        if (random.nextInt(5) == 0) {
                            heap.writeBackIfFull();
                        }
                    }
                    default -> {
                        if (random.nextInt(50) == 0) {
                            heap.writeBack();
                            writeBacks++;
                            assertStored(stored, backend, maps, values);
                        }
                    }
                }
                backend.setCurrentKey(new String(zone));
                assertThat(byTime.get(key)).isEqualTo(map.get(key));
                assertThat(byTime.contains(key)).isEqualTo(map.containsKey(key));
                assertThat(byTime.isEmpty()).isEqualTo(map.isEmpty());
                assertThat(asMap(byTime)).isEqualTo(map);
                assertThat(latest.value()).isEqualTo(values.get(zone));
            }
            assertThat(writeBacks).as("write-backs between the changes").isGreaterThan(50);
            heap.writeBack();
            assertStored(stored, backend, maps, values);
        }
    }

    @Test
    void keepsItsZonesAcrossAWriteBackAndLetsGoOfTheLeastRecentlyUsedWhenFull() throws Exception {
        try (var harness = zones()) {
            KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
            Counted stored = new Counted(harness.getOperator().getKeyedStateStore());
            HeapBetweenCheckpoints<String> heap = new HeapBetweenCheckpoints<>(stored, backend, 4);
            ValueState<String> latest = heap.getState(LATEST);
            for (String zone : List.of("a", "b", "c", "a")) {
                backend.setCurrentKey(new String(zone));
                latest.update(zone);
            }
            assertThat(heap.full()).as("3 zones of 4").isFalse();
            heap.writeBack();
            int reads = stored.reads;
            for (String zone : List.of("b", "c", "a")) {
                backend.setCurrentKey(new String(zone));
                assertThat(latest.value()).isEqualTo(zone);
            }
            assertThat(stored.reads).as("reads after a checkpoint's write-back").isEqualTo(reads);

            backend.setCurrentKey("d");
            latest.value();
            assertThat(heap.full()).as("a zone read counts as held too").isTrue();
            reads = stored.reads;
            heap.writeBackIfFull();
            assertThat(heap.full()).isFalse();
            assertThat(backend.getCurrentKey())
                    .as("the current zone after a write-back")
                    .isEqualTo("d");
            for (String zone : List.of("a", "d")) {
                backend.setCurrentKey(new String(zone));
                assertThat(latest.value()).isEqualTo(zone.equals("d") ? null : zone);
            }
            assertThat(stored.reads).as("reads of the two used last").isEqualTo(reads);
            for (String zone : List.of("b", "c")) {
                backend.setCurrentKey(new String(zone));
                assertThat(latest.value()).as("zone %s, written back", zone).isEqualTo(zone);
            }
            assertThat(stored.reads).as("reads of the two let go").isEqualTo(reads + 2);
        }
    }

    @Test
    void aStateAskedForOnceZonesAreHeldAndAReleasedOneKeepToTheirOwn() throws Exception {
        try (var harness = zones()) {
            KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
            KeyedStateStore stored = harness.getOperator().getKeyedStateStore();
            HeapBetweenCheckpoints<String> heap = new HeapBetweenCheckpoints<>(stored, backend, 10);
            List<String> zones = List.of("a", "b", "c");
            ValueState<String> latest = heap.getState(LATEST);
            for (String zone : zones) {
                backend.setCurrentKey(new String(zone));
                latest.update(zone);
            }
            MapState<Long, String> byTime = heap.getMapState(BY_TIME);
            for (String zone : List.of("a", "b", "a", "c")) {
                backend.setCurrentKey(new String(zone));
                byTime.put(1L, zone);
            }
            heap.writeBack();
            Map<String, String> values = new HashMap<>(Map.of("a", "a", "b", "b", "c", "c"));
            Map<String, TreeMap<Long, String>> maps = new HashMap<>();
            zones.forEach(zone -> maps.put(zone, new TreeMap<>(Map.of(1L, zone))));
            assertStored(stored, backend, maps, values, zones);

            backend.setCurrentKey("a");
            byTime.put(2L, "dropped with the state");
            heap.release(List.of(BY_TIME));
            for (String zone : zones) { // as a retired rule's state is cleared
                backend.setCurrentKey(zone);
                stored.getMapState(BY_TIME).clear();
            }
            MapState<Long, String> again = heap.getMapState(BY_TIME);
            assertThat(again).as("a released state asked for again").isNotSameAs(byTime);
            for (String zone : zones) {
                backend.setCurrentKey(new String(zone));
                assertThat(asMap(again)).as("zone %s", zone).isEmpty();
            }
            backend.setCurrentKey("b");
            latest.update("b2");
            heap.writeBack();
            values.put("b", "b2");
            zones.forEach(zone -> maps.put(zone, new TreeMap<>()));
            assertStored(stored, backend, maps, values, zones);
        }
    }

    @Test
    void deletesFromTheBackendOnlyWhatItHolds() throws Exception {
        try (var harness = zones()) {
            KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
            Counted stored = new Counted(harness.getOperator().getKeyedStateStore());
            HeapBetweenCheckpoints<String> heap = new HeapBetweenCheckpoints<>(stored, backend, 1_000);
            MapState<Long, String> byTime = heap.getMapState(BY_TIME);
            ValueState<String> latest = heap.getState(LATEST);
            backend.setCurrentKey("a");
            byTime.put(1L, "born and gone between write-backs");
            byTime.remove(1L);
            byTime.put(2L, "kept");
            latest.update("born and gone too");
            latest.clear();
            backend.setCurrentKey("b");
            byTime.put(3L, "kept");
            latest.update("kept");
            heap.writeBack();
            assertThat(stored.deletions)
                    .as("deletions of what the backend never held")
                    .isZero();

            backend.setCurrentKey("a");
            byTime.remove(2L);
            backend.setCurrentKey("b");
            byTime.clear();
            latest.clear();
            heap.writeBack();
            assertThat(stored.deletions).as("deletions of what it held").isEqualTo(3);
            assertStored(
                    stored,
                    backend,
                    Map.of("a", new TreeMap<>(), "b", new TreeMap<>()),
                    new HashMap<>(),
                    List.of("a", "b"));
        }
    }

    private static void assertStored(
            KeyedStateStore stored,
            KeyedStateBackend<String> backend,
            Map<String, TreeMap<Long, String>> maps,
            Map<String, String> values)
            throws Exception {
        assertStored(stored, backend, maps, values, ZONES);
    }

    private static void assertStored(
            KeyedStateStore stored,
            KeyedStateBackend<String> backend,
            Map<String, TreeMap<Long, String>> maps,
            Map<String, String> values,
            List<String> zones)
            throws Exception {
        Object current = backend.getCurrentKey();
        for (String zone : zones) {
            backend.setCurrentKey(zone);
            assertThat(asMap(stored.getMapState(BY_TIME)))
                    .as("stored map of zone %s", zone)
                    .isEqualTo(maps.getOrDefault(zone, new TreeMap<>()));
            assertThat(stored.getState(LATEST).value())
                    .as("stored value of zone %s", zone)
                    .isEqualTo(values.get(zone));
        }
        backend.setCurrentKey((String) current);
    }

    private static Map<Long, String> asMap(MapState<Long, String> state) throws Exception {
        Map<Long, String> map = new TreeMap<>();
        for (Map.Entry<Long, String> entry : state.entries()) {
            map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }

    /** An operator that only holds keyed state, on RocksDB, keyed by zone. */
    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> zones() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new StateOnly(), zone -> zone, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
        return harness;
    }

    /** A backend's value and map state, counting the reads and the deletions made through them. */
    private static final class Counted extends ValueAndMapStateStore {
        private final KeyedStateStore backend;
        int reads;
        int deletions;

        Counted(KeyedStateStore backend) {
            this.backend = backend;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
            return counted(backend.getState(descriptor), ValueState.class);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
            return counted(backend.getMapState(descriptor), MapState.class);
        }

        @Override
        public String getBackendTypeIdentifier() {
            return backend.getBackendTypeIdentifier();
        }

        /** The state, with a count of each read ({@code value}, {@code entries}) and deletion made through it. */
        private <S> S counted(S state, Class<S> type) {
            return type.cast(Proxy.newProxyInstance(
                    type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
                        switch (method.getName()) {
                            case "value", "entries" -> reads++;
                            case "remove", "clear" -> deletions++;
                            default -> {}
                        }
                        try {
                            return method.invoke(state, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }));
        }
    }

    private static final class StateOnly extends AbstractStreamOperator<String>
            implements OneInputStreamOperator<String, String> {
        @Override
        public void processElement(StreamRecord<String> element) {}
    }
}
