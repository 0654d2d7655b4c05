package io.surge;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.alerts.RuleSets;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.event.DivertedRecord;
import io.surge.event.Ingested;
import io.surge.event.Reason;
import io.surge.ingest.InputValidation;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.CityWorkload;
import io.surge.testing.Events;
import io.surge.testing.PriceOracle;
import io.surge.testing.RuleVersions;
import io.surge.testing.SurgeOracle;
import io.surge.testing.WatermarkOnEveryEvent;
import io.surge.time.EventTimeWatermarks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole pipeline on a Flink MiniCluster at parallelism 2, on RocksDB with checkpoints, against the oracle. */
class SurgePipelineITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .build());

    private static final long COMPUTED_AT = 42L;

    @Test
    void everyWindowOfEveryZoneMatchesARecomputationFromTheRawEvents() throws Exception {
        SurgeConfig config = SurgeConfig.fromOptions(Map.of("checkpoint.interval", "500ms"), "test");
        CityWorkload workload = CityWorkload.generate(20261125L, 4000, Events.at(0), 40, 4_500, 0.02, 0.03);
        // All event times are before this clock, except the deliberately far-future ones.
        InputValidation validation = InputValidation.of(config.input(), () -> Events.at(600));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));
        env.setParallelism(2);
        DataStream<Ingested> inputs = env.fromData(workload.ingest(validation), TypeInformation.of(Ingested.class))
                .assignTimestampsAndWatermarks(new WatermarkOnEveryEvent<>(
                        EventTimeWatermarks.strategy(config.watermarks(), () -> Events.at(600))))
                .setParallelism(1);
        SurgePipeline.Outputs outputs = SurgePipeline.build(
                inputs,
                config,
                RuleSets.fixed(env, List.of(RuleVersions.version(0, Long.MIN_VALUE, List.of()))),
                () -> COMPUTED_AT);
        CloseableIterator<ZoneSurge> multipliers = outputs.multipliers().collectAsync();
        CloseableIterator<DivertedRecord> late = outputs.lateEvents().collectAsync();
        CloseableIterator<DivertedRecord> deadLetters = outputs.deadLetters().collectAsync();
        JobClient job = env.executeAsync("surge-pipeline-test");

        List<ZoneSurge> results = drain(multipliers);
        List<DivertedRecord> lateRecords = drain(late);
        List<DivertedRecord> deadLettered = drain(deadLetters);
        job.getJobExecutionResult().get();

        SurgeOracle oracle = new SurgeOracle(30_000, 5_000, 5_000).replay(workload.validInArrivalOrder(), COMPUTED_AT);
        assertThat(oracle.results()).as("the workload exercises many windows").hasSizeGreaterThan(300);
        assertThat(oracle.results()).as("and real surges").anyMatch(r -> r.multiplier() > 1.0 && r.multiplier() < 5.0);
        assertThat(oracle.lateOffsets()).as("and late records").hasSizeGreaterThan(20);
        List<ZoneSurge> published = PriceOracle.defaults().publish(oracle.results());
        assertThat(published)
                .as("prices that pooling, evidence and smoothing made")
                .anyMatch(price -> price.pricing().adjustedBy(ZoneSurge.Adjustment.EVIDENCE))
                .anyMatch(price -> price.pricing().adjustedBy(ZoneSurge.Adjustment.SMOOTHING))
                .anyMatch(price -> price.pricing().pooledDemand() > price.demand())
                .anyMatch(price -> price.multiplier() > 1.5);
        assertThat(results).containsExactlyInAnyOrderElementsOf(published);

        assertThat(offsets(lateRecords)).isEqualTo(oracle.lateOffsets());
        assertThat(lateRecords).allSatisfy(r -> assertThat(r.reason()).isEqualTo(Reason.LATE));
        assertThat(deadLettered.stream()
                        .collect(Collectors.toMap(r -> r.origin().offset(), DivertedRecord::reason)))
                .as("every invalid record and every one from a fast clock, each with its reason")
                .isEqualTo(workload.divertedOffsets());

        JobID jobId = job.getJobID();
        long in = counter(jobId, "eventsIn");
        assertThat(in).isEqualTo(workload.size());
        assertThat(counter(jobId, "eventsCounted")).isEqualTo(oracle.counted());
        assertThat(counter(jobId, "eventsCounted")
                        + counter(jobId, "eventsLate")
                        + counter(jobId, "eventsDeadLettered"))
                .as("every input is counted, late or dead-lettered")
                .isEqualTo(in);
        assertThat(counter(jobId, "windowsEmitted")).isEqualTo(oracle.results().size());
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> all = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(all::add);
        }
        return all;
    }

    private static TreeSet<Long> offsets(List<DivertedRecord> records) {
        TreeSet<Long> offsets = new TreeSet<>();
        records.forEach(r -> assertThat(offsets.add(r.origin().offset()))
                .as("each record once")
                .isTrue());
        return offsets;
    }

    private static long counter(JobID jobId, String name) {
        Map<String, Metric> metrics = METRICS.findMetrics(jobId, "\\.surge\\." + name + "$");
        assertThat(metrics).as("metric " + name).isNotEmpty();
        return metrics.values().stream()
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }
}
