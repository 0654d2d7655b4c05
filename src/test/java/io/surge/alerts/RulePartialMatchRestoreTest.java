package io.surge.alerts;

import static io.surge.testing.SurgeResults.surge;
import static org.assertj.core.api.Assertions.assertThat;

import io.surge.pricing.ZoneSurge;
import io.surge.testing.Events;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A rule's partial match survives a snapshot and restore on RocksDB, as it must across a failure or a rescale. */
class RulePartialMatchRestoreTest {

    private static final AlertRule SURGE_SPIKE = RuleParser.parse(Path.of("alerts/surge-spike.yaml"));

    @Test
    void aCalmWindowSnapshottedBeforeTheSpikeStillMatchesAfterRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness(null)) {
            process(before, surge("A", 5, 5, 5, 1.0), surge("B", 5, 9, 3, 3.0));
            before.processWatermark(Events.at(6));
            assertThat(before.extractOutputValues()).as("only a partial match so far").isEmpty();
            snapshot = before.snapshot(1L, 1L);
        }

        try (var after = harness(snapshot)) {
            process(after, surge("A", 10, 20, 5, 4.0));
            after.processWatermark(Events.at(100));

            assertThat(after.extractOutputValues()).singleElement().satisfies(alert -> {
                assertThat(alert.zoneId()).isEqualTo("A");
                assertThat(alert.firstEventTime()).isEqualTo(Events.at(5));
                assertThat(alert.lastEventTime()).isEqualTo(Events.at(10));
            });
        }
    }

    /** The CEP operator exactly as the job builds it for the rule, driven by a keyed test harness. */
    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, ZoneSurge, ZoneAlert> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<ZoneSurge> surges = env.fromData(surge("A", 5, 1, 1, 1.0));
        DataStream<ZoneAlert> alerts = Alerting.cep(surges.keyBy(ZoneSurge::zoneId), SURGE_SPIKE, 1, () -> 0L);
        StreamOperatorFactory<ZoneAlert> operator =
                ((OneInputTransformation<ZoneSurge, ZoneAlert>) alerts.getTransformation()).getOperatorFactory();
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, ZoneSurge::zoneId, Types.STRING,
                TypeInformation.of(ZoneSurge.class).createSerializer(env.getConfig().getSerializerConfig()));
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static void process(KeyedOneInputStreamOperatorTestHarness<String, ZoneSurge, ZoneAlert> harness,
            ZoneSurge... surges) throws Exception {
        for (ZoneSurge surge : surges) {
            harness.processElement(surge, surge.windowEnd() - 1);
        }
    }

}
