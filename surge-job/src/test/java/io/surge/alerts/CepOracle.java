package io.surge.alerts;

import io.surge.avro.AlertStatus;
import io.surge.event.ZoneEvent;
import io.surge.pricing.ZoneSurge;
import io.surge.testing.Events;
import io.surge.testing.SurgeResults;
import io.surge.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.TimeUtils;

/**
 * What plain flink-cep raises for a rule, the oracle of the rules operator: the rule's own {@code
 * CEP.pattern} operator on the records' raw timestamps, on flink-cep's NFA whatever the rule's plan, with the episodes
 * written out plainly after it.
 */
final class CepOracle {

    /** The operators' processing clock, and the oracle's: deployed versions are judged by it, alerts stamped with it. */
    static final Clock PROCESSING_CLOCK = () -> Events.at(0);

    private CepOracle() {}

    /** Events of one millisecond in the order they were read: by topic, partition and offset. */
    private static final Comparator<ZoneEvent> READ_ORDER = Comparator.comparingLong(ZoneEvent::eventTime)
            .thenComparing(event -> event.origin().topic())
            .thenComparingInt(event -> event.origin().partition())
            .thenComparingLong(event -> event.origin().offset());

    /**
     * The oracle's matches: the rule's flink-cep operator on raw timestamps, fed the records its filter passes whose
     * time {@code inForce} accepts, in the order it raised them.
     *
     * @param switchAt alerts whose last record is at or after it carry version 1, else 0
     */
    @SuppressWarnings("unchecked")
    static List<ZoneAlert> matches(Path file, List<Object> traffic, Predicate<Long> inForce, long switchAt)
            throws Exception {
        AlertRule rule = RuleParser.parse(file);
        List<ZoneAlert> raised = rule.input() == RuleInput.ZONE_EVENTS
                ? raised(rule, Events.ride("A").at(0), ZoneEvent::zoneId, READ_ORDER, ZoneEvent.class, traffic, inForce)
                : raised(
                        rule,
                        SurgeResults.surge("A", 0, 1, 1, 1.0),
                        ZoneSurge::zoneId,
                        Comparator.comparingLong(ZoneSurge::windowEnd),
                        ZoneSurge.class,
                        traffic,
                        inForce);
        List<ZoneAlert> matches = new ArrayList<>();
        for (ZoneAlert match : raised) {
            matches.add(withVersion(match, match.lastEventTime() >= switchAt ? 1 : 0));
        }
        return matches;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<ZoneAlert> raised(
            AlertRule rule,
            T sample,
            KeySelector<T, String> zone,
            Comparator<T> order,
            Class<T> type,
            List<Object> traffic,
            Predicate<Long> inForce)
            throws Exception {
        RuleFilter<T> filter = rule.filter() == null ? null : new RuleFilter<>(rule.input(), rule.filter());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<ZoneAlert> alerts = CEP.pattern(
                        env.fromData(sample).keyBy(zone),
                        RuleCompiler.<T>compile(rule, 1),
                        (first, second) -> order.compare(first, second))
                .inEventTime()
                .process(
                        new PatternProcessFunction<T, ZoneAlert>() {
                            @Override
                            public void processMatch(
                                    Map<String, List<T>> match, Context ctx, Collector<ZoneAlert> out) {
                                out.collect(new AlertBuilder<T>(rule, PROCESSING_CLOCK).alert(match, 0));
                            }
                        },
                        ZoneAlert.TYPE);
        StreamOperatorFactory<ZoneAlert> operator =
                ((OneInputTransformation<T, ZoneAlert>) alerts.getTransformation()).getOperatorFactory();
        try (var cep = new KeyedOneInputStreamOperatorTestHarness<>(
                operator, zone, Types.STRING, ZoneRulesTest.serializer(type))) {
            cep.setStateBackend(new EmbeddedRocksDBStateBackend());
            cep.open();
            for (Object element : traffic) {
                if (element instanceof Watermark mark) {
                    cep.processWatermark(mark);
                } else {
                    StreamRecord<T> record = (StreamRecord<T>) element;
                    if (inForce.test(record.getTimestamp()) && (filter == null || filter.filter(record.getValue()))) {
                        cep.processElement(record);
                    }
                }
            }
            return cep.extractOutputValues();
        }
    }

    /**
     * The oracle's episodes, written out plainly from the matches of each zone in the order they were found: a match
     * that ends before the open episode's latest match's end plus the rule's resolve-after continues it; any other
     * resolves the open one and opens its own. The traffic ends with the final watermark: every episode resolves.
     */
    static List<ZoneAlert> episodes(List<ZoneAlert> matches, Map<String, Duration> resolveAfter) {
        List<ZoneAlert> written = new ArrayList<>();
        Map<String, ZoneAlert> opening = new LinkedHashMap<>();
        Map<String, Long> lastEnd = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        Map<String, Long> quiet = new HashMap<>();
        for (ZoneAlert match : matches) {
            String key = match.rule() + "/" + match.zoneId();
            long after = resolveAfter.get(match.rule()).toMillis();
            if (opening.containsKey(key) && match.lastEventTime() < lastEnd.get(key) + quiet.get(key)) {
                lastEnd.put(key, Math.max(lastEnd.get(key), match.lastEventTime()));
                count.merge(key, 1, Integer::sum);
                quiet.put(key, after);
                continue;
            }
            if (opening.containsKey(key)) {
                written.add(resolved(opening.get(key), lastEnd.get(key), count.get(key), quiet.get(key)));
            }
            opening.put(key, match);
            lastEnd.put(key, match.lastEventTime());
            count.put(key, 1);
            quiet.put(key, after);
            written.add(match);
        }
        opening.forEach((key, open) -> written.add(resolved(open, lastEnd.get(key), count.get(key), quiet.get(key))));
        return written;
    }

    private static ZoneAlert resolved(ZoneAlert opening, long lastEnd, int matches, long resolveAfterMillis) {
        return new ZoneAlert(
                AlertBuilder.alertId(opening.rule(), opening.zoneId(), List.of("resolved", opening.alertId())),
                opening.rule(),
                opening.severity(),
                opening.zoneId(),
                opening.firstEventTime(),
                lastEnd,
                "Resolved after " + matches + (matches == 1 ? " match" : " matches") + ", none for "
                        + TimeUtils.formatWithHighestUnit(Duration.ofMillis(resolveAfterMillis)) + ": "
                        + opening.summary(),
                opening.details(),
                PROCESSING_CLOCK.millis(),
                opening.ruleSetVersion(),
                AlertStatus.RESOLVED,
                opening.alertId(),
                lastEnd + resolveAfterMillis,
                matches);
    }

    private static ZoneAlert withVersion(ZoneAlert alert, long version) {
        return ZoneAlert.firing(
                alert.alertId(),
                alert.rule(),
                alert.severity(),
                alert.zoneId(),
                alert.firstEventTime(),
                alert.lastEventTime(),
                alert.summary(),
                alert.details(),
                alert.detectedAt(),
                version);
    }

    static Map<String, Duration> resolveAfter(Path file) throws Exception {
        AlertRule rule = RuleParser.parse(file);
        return Map.of(rule.name(), rule.resolveAfter());
    }
}
