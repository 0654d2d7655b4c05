package io.surge.bench;

import io.surge.avro.SurgeMultiplier;
import io.surge.config.SurgeConfig;
import io.surge.event.Ingested;
import io.surge.event.ZoneEvent;
import io.surge.ingest.InputValidation;
import io.surge.io.kafka.AvroValueSerializer;
import io.surge.io.kafka.InputDeserializer;
import io.surge.io.kafka.OutputSerializers;
import io.surge.pricing.DriverTrail;
import io.surge.pricing.SlicedSurgeWindows;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import io.surge.time.Waiting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.util.Collector;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Surge's multipliers as a Kafka Streams user would write them: decode; driver statuses re-keyed by driver (through a
 * repartition topic) past a processor that notes where each driver was, as surge's {@code DriverWhereabouts} does
 * and with its {@link DriverTrail}; all re-keyed by zone (through another), a hopping-window aggregate of demand and
 * each driver's latest status or note, exactly-once. Same decoding and validation as surge; no alert rules.
 *
 * <p>Kafka Streams emits a window's result again whenever its aggregate changes (its record cache merges the
 * changes between commits); it has no end of input, so waiting for windows to close would leave the last ones out.
 * The result of a window is therefore the last record written for it, which is what the benchmark compares.
 */
final class KafkaStreamsContender {

    /**
     * How late a record may be for its windows. Stream time is per task and runs ahead with whichever input partition
     * the decoding task read last, so records reach the windows far more out of order than in the topics; with
     * surge's 5 s bound, Kafka Streams drops thousands of records that surge counts. With updates emitted as they
     * come, a longer grace changes no result, only how long windows are kept.
     */
    private static final Duration GRACE = Duration.ofMinutes(1);

    private KafkaStreamsContender() {}

    /** Runs the topology until it has consumed and committed every input record, and times that. */
    static Measurement run(SurgeConfig config, int threads, long events, Path stateDir) throws Exception {
        int schemaId = Contenders.prepareMultipliers(config);
        String application = config.jobName();
        Map<String, Object> properties = config.kafka()
                .clientProperties(Map.of(
                        StreamsConfig.APPLICATION_ID_CONFIG,
                        application,
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                        StreamsConfig.EXACTLY_ONCE_V2,
                        StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                        threads,
                        StreamsConfig.STATE_DIR_CONFIG,
                        stateDir.toString(),
                        "consumer.auto.offset.reset",
                        "earliest"));
        Properties streamsProperties = new Properties();
        streamsProperties.putAll(properties);
        try (KafkaStreams streams = new KafkaStreams(topology(config, schemaId), streamsProperties);
                Admin admin = Admin.create(config.kafka().clientProperties())) {
            streams.start();
            Waiting.until(
                    () -> streams.state() == KafkaStreams.State.RUNNING,
                    Duration.ofMinutes(1),
                    "Kafka Streams to start");
            long cpuBefore = Contenders.processCpuNanos();
            long start = System.nanoTime();
            Waiting.until(
                    () -> consumedAll(admin, application, config),
                    Duration.ofHours(1),
                    "Kafka Streams to consume the input");
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (Contenders.processCpuNanos() - cpuBefore) / 1e9;
            streams.close(Duration.ofMinutes(1));
            return new Measurement(
                    Contender.KAFKA_STREAMS.label(),
                    events,
                    seconds,
                    cpu,
                    Contenders.lastMultiplierPerWindow(config),
                    null,
                    null,
                    null);
        } finally {
            FileUtils.deleteDirectory(stateDir.toFile());
        }
    }

    private static Topology topology(SurgeConfig config, int schemaId) {
        StreamsBuilder builder = new StreamsBuilder();
        long slide = config.window().slideMillis();
        long size = config.window().sizeMillis();
        InputValidation validation = InputValidation.of(config.input(), Clock.system());
        KStream<String, ZoneEvent> decoded = builder.stream(
                        config.topics().inputTopics(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new Decode(new InputDeserializer(config.registry(), config.topics(), validation)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(Whereabouts.STORE), Serdes.String(), TRAILS));
        DriverTrail trail = new DriverTrail(config.window());
        KStream<String, ZoneEvent> statusesAndNotes = decoded.filter(
                        (zone, event) -> event.kind() == ZoneEvent.Kind.DRIVER_STATUS)
                .selectKey((zone, status) -> status.driverId())
                .repartition(Repartitioned.with(Serdes.String(), STATUSES).withName("drivers"))
                .process(() -> new Whereabouts(trail), Whereabouts.STORE);
        decoded.filter((zone, event) -> event.kind() != ZoneEvent.Kind.DRIVER_STATUS)
                .merge(statusesAndNotes)
                .groupByKey(Grouped.with("zones", Serdes.String(), EVENTS))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(size), GRACE)
                        .advanceBy(Duration.ofMillis(slide)))
                .aggregate(
                        Window::new,
                        (zone, event, window) -> window.add(event),
                        Materialized.with(Serdes.String(), WINDOWS))
                .toStream()
                .process(() ->
                        new Encode(OutputSerializers.multipliers(config.topics().multipliers(), schemaId)))
                .to(config.topics().multipliers(), Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    /**
     * Passes each driver status on, keyed by its zone, with the notes of where the driver was; keeps each driver's
     * statuses of the windows within the grace of its latest one.
     */
    private static final class Whereabouts implements Processor<String, ZoneEvent, String, ZoneEvent> {
        static final String STORE = "whereabouts";
        private final DriverTrail trail;
        private ProcessorContext<String, ZoneEvent> context;
        private KeyValueStore<String, Map<String, long[]>> statusesByDriver;

        Whereabouts(DriverTrail trail) {
            this.trail = trail;
        }

        @Override
        public void init(ProcessorContext<String, ZoneEvent> context) {
            this.context = context;
            this.statusesByDriver = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, ZoneEvent> record) {
            ZoneEvent status = record.value();
            context.forward(record.withKey(status.zoneId()));
            Map<String, long[]> known = statusesByDriver.get(status.driverId());
            Map<String, long[]> kept = trail.after(
                    known,
                    status,
                    horizon(status, known),
                    note -> context.forward(new Record<>(note.zoneId(), note, note.eventTime())));
            if (kept.isEmpty()) {
                statusesByDriver.delete(status.driverId());
            } else {
                statusesByDriver.put(status.driverId(), kept);
            }
        }
    }

    /**
     * What stands in for the watermark: the driver's latest status time less the grace. Stream time will not do: in a
     * backlog the task's stream time runs minutes ahead of the statuses it processes (see {@link #GRACE}), while one
     * driver's statuses all come from one input partition, in the order they were written.
     */
    private static long horizon(ZoneEvent status, Map<String, long[]> known) {
        long latest = status.eventTime();
        if (known != null) {
            for (long[] statuses : known.values()) {
                latest = Math.max(latest, statuses[statuses.length - 2]);
            }
        }
        return latest - GRACE.toMillis();
    }

    /** A driver's statuses by zone, as {@link DriverTrail} keeps them. */
    private static final Serde<Map<String, long[]>> TRAILS = Serdes.serdeFrom(
            (topic, trails) -> {
                int size = 4;
                Map<byte[], long[]> byZone = new LinkedHashMap<>();
                for (Map.Entry<String, long[]> zone : trails.entrySet()) {
                    byte[] id = zone.getKey().getBytes(StandardCharsets.UTF_8);
                    byZone.put(id, zone.getValue());
                    size += 4 + id.length + 4 + 8 * zone.getValue().length;
                }
                ByteBuffer buffer = ByteBuffer.allocate(size).putInt(byZone.size());
                byZone.forEach((id, statuses) -> {
                    buffer.putInt(id.length).put(id).putInt(statuses.length);
                    for (long value : statuses) {
                        buffer.putLong(value);
                    }
                });
                return buffer.array();
            },
            (topic, bytes) -> {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                Map<String, long[]> trails = new HashMap<>();
                int zones = buffer.getInt();
                for (int z = 0; z < zones; z++) {
                    byte[] id = new byte[buffer.getInt()];
                    buffer.get(id);
                    long[] statuses = new long[buffer.getInt()];
                    for (int i = 0; i < statuses.length; i++) {
                        statuses[i] = buffer.getLong();
                    }
                    trails.put(new String(id, StandardCharsets.UTF_8), statuses);
                }
                return trails;
            });

    /** A window's counts as a multipliers record in the registry wire format; one per task, as encoders are not shared. */
    private static final class Encode implements Processor<Windowed<String>, Window, String, byte[]> {
        private final AvroValueSerializer<ZoneSurge, SurgeMultiplier> output;
        private final Clock clock = Clock.system();
        private ProcessorContext<String, byte[]> context;

        Encode(AvroValueSerializer<ZoneSurge, SurgeMultiplier> output) {
            this.output = output;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            output.open(null, null);
        }

        @Override
        public void process(Record<Windowed<String>, Window> record) {
            Windowed<String> window = record.key();
            Window counts = record.value();
            if (counts.inputs == 0) {
                return;
            }
            ZoneSurge surge = ZoneSurge.counted(
                    window.key(),
                    window.window().start(),
                    window.window().end(),
                    counts.demand,
                    counts.supply(),
                    clock.millis());
            context.forward(record.withKey(window.key())
                    .withValue(output.serialize(surge, null, null).value()));
        }
    }

    /** Decodes and validates each input record, re-keyed by zone and stamped with its event time. */
    private static final class Decode implements Processor<byte[], byte[], String, ZoneEvent> {
        private final InputDeserializer deserializer;
        private ProcessorContext<String, ZoneEvent> context;

        Decode(InputDeserializer deserializer) {
            this.deserializer = deserializer;
        }

        @Override
        public void init(ProcessorContext<String, ZoneEvent> context) {
            this.context = context;
            deserializer.open(null);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata metadata = context.recordMetadata().orElseThrow();
            deserializer.deserialize(
                    new ConsumerRecord<>(
                            metadata.topic(), metadata.partition(), metadata.offset(), record.key(), record.value()),
                    new Collector<>() {
                        @Override
                        public void collect(Ingested ingested) {
                            if (ingested.isAccepted()) {
                                ZoneEvent event = ingested.event();
                                context.forward(new Record<>(event.zoneId(), event, event.eventTime()));
                            }
                        }

                        @Override
                        public void close() {}
                    });
        }
    }

    /**
     * Demand, the number of inputs, and per driver the latest status or note as surge's windows pack them (greater is
     * later; a note wins ties, then an unavailable status). A window of notes alone is no result.
     */
    static final class Window {
        long demand;
        long inputs;
        final Map<String, Long> statusByDriver = new HashMap<>();

        Window add(ZoneEvent event) {
            switch (event.kind()) {
                case RIDE_REQUEST -> demand++;
                case DRIVER_STATUS, DRIVER_ELSEWHERE ->
                    statusByDriver.merge(event.driverId(), SlicedSurgeWindows.packed(event), Math::max);
            }
            if (event.kind() != ZoneEvent.Kind.DRIVER_ELSEWHERE) {
                inputs++;
            }
            return this;
        }

        long supply() {
            return statusByDriver.values().stream()
                    .filter(SlicedSurgeWindows::isAvailable)
                    .count();
        }
    }

    /** A zone event between the re-keying by zone and the windows: kind, time, availability and driver. */
    private static final Serde<ZoneEvent> EVENTS = events(false);
    /** A driver status between the re-keying by driver and its whereabouts: its zone too. */
    private static final Serde<ZoneEvent> STATUSES = events(true);

    /** Zone events without their origin, and without their zone unless {@code withZone}, as the key says it. */
    private static Serde<ZoneEvent> events(boolean withZone) {
        return Serdes.serdeFrom(
                (topic, event) -> {
                    byte[] zone = withZone ? event.zoneId().getBytes(StandardCharsets.UTF_8) : new byte[0];
                    byte[] driver = event.driverId() == null
                            ? new byte[0]
                            : event.driverId().getBytes(StandardCharsets.UTF_8);
                    return ByteBuffer.allocate(1 + 8 + 4 + zone.length + driver.length)
                            .put((byte)
                                    switch (event.kind()) {
                                        case RIDE_REQUEST -> 0;
                                        case DRIVER_STATUS -> event.available() ? 1 : 2;
                                        case DRIVER_ELSEWHERE -> 3;
                                    })
                            .putLong(event.eventTime())
                            .putInt(zone.length)
                            .put(zone)
                            .put(driver)
                            .array();
                },
                (topic, bytes) -> {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    byte kind = buffer.get();
                    long time = buffer.getLong();
                    int zoneLength = buffer.getInt();
                    String zone = withZone ? new String(bytes, 13, zoneLength, StandardCharsets.UTF_8) : null;
                    int driverAt = 13 + zoneLength;
                    String driver = new String(bytes, driverAt, bytes.length - driverAt, StandardCharsets.UTF_8);
                    return switch (kind) {
                        case 0 -> new ZoneEvent(zone, time, ZoneEvent.Kind.RIDE_REQUEST, null, false, null);
                        case 3 -> new ZoneEvent(zone, time, ZoneEvent.Kind.DRIVER_ELSEWHERE, driver, false, null);
                        default -> new ZoneEvent(zone, time, ZoneEvent.Kind.DRIVER_STATUS, driver, kind == 1, null);
                    };
                });
    }

    private static final Serde<Window> WINDOWS = Serdes.serdeFrom(
            (topic, window) -> {
                int size = 8 + 8 + 4;
                Map<byte[], Long> statuses = new LinkedHashMap<>();
                for (Map.Entry<String, Long> driver : window.statusByDriver.entrySet()) {
                    byte[] id = driver.getKey().getBytes(StandardCharsets.UTF_8);
                    statuses.put(id, driver.getValue());
                    size += 4 + id.length + 8;
                }
                ByteBuffer buffer = ByteBuffer.allocate(size)
                        .putLong(window.demand)
                        .putLong(window.inputs)
                        .putInt(statuses.size());
                statuses.forEach(
                        (id, status) -> buffer.putInt(id.length).put(id).putLong(status));
                return buffer.array();
            },
            (topic, bytes) -> {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                Window window = new Window();
                window.demand = buffer.getLong();
                window.inputs = buffer.getLong();
                int drivers = buffer.getInt();
                for (int i = 0; i < drivers; i++) {
                    byte[] driver = new byte[buffer.getInt()];
                    buffer.get(driver);
                    window.statusByDriver.put(new String(driver, StandardCharsets.UTF_8), buffer.getLong());
                }
                return window;
            });

    /** Whether the application's committed offsets have reached the end of the inputs and of its repartition topic. */
    private static boolean consumedAll(Admin admin, String application, SurgeConfig config) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(application)
                .partitionsToOffsetAndMetadata()
                .get();
        List<String> topics = new ArrayList<>(config.topics().inputTopics());
        topics.add(application + "-drivers-repartition");
        topics.add(application + "-zones-repartition");
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (var description :
                admin.describeTopics(topics).allTopicNames().get().values()) {
            description
                    .partitions()
                    .forEach(partition -> ends.put(
                            new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest()));
        }
        var endOffsets = admin.listOffsets(ends).all().get();
        for (var end : endOffsets.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            if (end.getValue().offset() > 0
                    && (at == null || at.offset() < end.getValue().offset())) {
                return false;
            }
        }
        return true;
    }
}
