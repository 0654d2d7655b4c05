package io.surge.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.event.ZoneEvent;
import io.surge.testing.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule on zone events raises the same alerts whether Flink CEP sees each event's own millisecond or the end of its
 * 100 ms bucket: the bucketed path is checked against plain CEP on the same disordered traffic, late events included.
 */
class RuleTimeBucketsTest {

    private static final long BUCKET_MILLIS = 100;
    private static final long OUT_OF_ORDERNESS_MILLIS = 2_000;

    @TempDir
    Path rules;

    @Test
    void theShippedDriverExodusRuleRaisesTheSameAlerts() throws Exception {
        assertSameAlerts(RuleParser.parse(Path.of("alerts/driver-exodus.yaml")), 1);
    }

    @Test
    void aRuleOfSeveralStepsKeepsItsTimeBoundOnTheEventsOwnTimes() throws Exception {
        assertSameAlerts(rule("""
                name: rush-then-exodus
                input: zone-events
                steps:
                  - name: rush
                    where: kind == 'RIDE_REQUEST'
                    times: 3
                  - name: gone
                    where: kind == 'DRIVER_STATUS' && !available
                    at-least: 2
                    distinct: driver_id
                within: 1500ms
                after-match: no-skip
                summary: "{gone.count} drivers left {zone_id}"
                """), 2);
    }

    @Test
    void strictContiguityStillEndsAPartialMatchAtTheFirstEventThatBreaksIt() throws Exception {
        assertSameAlerts(rule("""
                name: back-to-back
                input: zone-events
                steps:
                  - name: asked
                    where: kind == 'RIDE_REQUEST'
                  - name: left
                    contiguity: next
                    where: kind == 'DRIVER_STATUS' && !available
                    times: 2
                within: 700ms
                summary: "riders asked, drivers left {zone_id}"
                """), 3);
    }

    /**
     * Feeds the same traffic, with its watermarks, to the rule's CEP operator on raw timestamps and through
     * {@link TimeBuckets} to the bucketed one, and compares the alerts (there must be some).
     */
    private static void assertSameAlerts(AlertRule rule, long seed) throws Exception {
        List<Object> traffic = traffic(rule, seed);
        long late = lateEvents(traffic);
        assertThat(late).as("the traffic includes events behind the watermark").isPositive();

        List<ZoneAlert> expected;
        try (var plain = cep(rule, 1)) {
            feed(plain, traffic);
            expected = sorted(plain.extractOutputValues());
        }

        List<Object> bucketed;
        try (var buckets = new OneInputStreamOperatorTestHarness<>(new TimeBuckets<ZoneEvent>(BUCKET_MILLIS))) {
            buckets.open();
            feed(buckets, traffic);
            bucketed = new ArrayList<>(buckets.getOutput());
        }
        assertThat(bucketed).filteredOn(StreamRecord.class::isInstance)
                .as("every record on time passes, stamped with its bucket's end")
                .hasSize(records(traffic) - (int) late)
                .allSatisfy(record -> assertThat(((StreamRecord<?>) record).getTimestamp() % BUCKET_MILLIS).isZero());

        try (var withBuckets = cep(rule, BUCKET_MILLIS)) {
            feed(withBuckets, bucketed);
            assertThat(expected).as("alerts on raw timestamps").hasSizeGreaterThan(3);
            assertThat(sorted(withBuckets.extractOutputValues())).isEqualTo(expected);
        }
    }

    /**
     * Three zones, 15 drivers, an event every 20 ms with up to 2.5 s of disorder against a watermark bound of 2 s,
     * so some arrive late; a watermark every 10 events, then one at the end.
     */
    private static List<Object> traffic(AlertRule rule, long seed) {
        Random random = new Random(seed);
        RuleFilter<ZoneEvent> filter = rule.filter() == null ? null : new RuleFilter<>(rule.input(), rule.filter());
        List<Object> traffic = new ArrayList<>();
        long maxSeen = Long.MIN_VALUE;
        for (int i = 0; i < 2_000; i++) {
            double seconds = i * 0.02 - random.nextInt(2_500) / 1000.0;
            String zone = "zone-" + random.nextInt(3);
            ZoneEvent event = random.nextDouble() < 0.4
                    ? Events.ride(zone).at(seconds)
                    : Events.driver("driver-" + random.nextInt(15), zone, random.nextDouble() < 0.3).at(seconds);
            if (filter == null || filter.filter(event)) {
                traffic.add(new StreamRecord<>(event, event.eventTime()));
            }
            maxSeen = Math.max(maxSeen, event.eventTime());
            if (i % 10 == 9) {
                traffic.add(new Watermark(maxSeen - OUT_OF_ORDERNESS_MILLIS - 1));
            }
        }
        traffic.add(new Watermark(Long.MAX_VALUE));
        return traffic;
    }

    private static long lateEvents(List<Object> traffic) {
        long watermark = Long.MIN_VALUE;
        long late = 0;
        for (Object element : traffic) {
            if (element instanceof Watermark mark) {
                watermark = mark.getTimestamp();
            } else if (((StreamRecord<?>) element).getTimestamp() <= watermark) {
                late++;
            }
        }
        return late;
    }

    private static int records(List<Object> traffic) {
        return (int) traffic.stream().filter(StreamRecord.class::isInstance).count();
    }

    @SuppressWarnings("unchecked")
    private static void feed(OneInputStreamOperatorTestHarness<ZoneEvent, ?> harness, List<Object> elements)
            throws Exception {
        for (Object element : elements) {
            if (element instanceof Watermark mark) {
                harness.processWatermark(mark);
            } else {
                harness.processElement((StreamRecord<ZoneEvent>) element);
            }
        }
    }

    private static List<ZoneAlert> sorted(List<ZoneAlert> alerts) {
        return alerts.stream().sorted(Comparator.comparing(ZoneAlert::alertId)).toList();
    }

    private AlertRule rule(String yaml) throws Exception {
        return RuleParser.parse(Files.writeString(Files.createTempFile(rules, "rule-", ".yaml"), yaml));
    }

    /** The rule's CEP operator exactly as the job builds it, on RocksDB, for timestamps of the given resolution. */
    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, ZoneEvent, ZoneAlert> cep(
            AlertRule rule, long bucketMillis) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<ZoneEvent> events = env.fromData(Events.ride("A").at(0));
        DataStream<ZoneAlert> alerts =
                Alerting.cep(events.keyBy(ZoneEvent::zoneId), rule, bucketMillis, () -> 0L);
        StreamOperatorFactory<ZoneAlert> operator =
                ((OneInputTransformation<ZoneEvent, ZoneAlert>) alerts.getTransformation()).getOperatorFactory();
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, ZoneEvent::zoneId, Types.STRING,
                TypeInformation.of(ZoneEvent.class).createSerializer(env.getConfig().getSerializerConfig()));
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
        return harness;
    }
}
