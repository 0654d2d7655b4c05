package io.surge.cli;

import io.surge.alerts.OpenEpisodes;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.bench.PriceQuality;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.io.kafka.KafkaReaders;
import io.surge.io.kafka.OutputSerializers;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.io.serde.TopicDecoders;
import io.surge.io.serde.UndecodableException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints an output topic as people read it, decoding values through the registry. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Print surge-multipliers, surge-alerts, surge-late-events or surge-dead-letters as they arrive.")
final class TailCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TOPIC", description = "The topic to print.")
    String topic;

    @Option(names = "--json", description = "Print each record as one JSON object.")
    boolean json;

    @Option(
            names = "--raw",
            description = "With each multiplier, how it was priced: the zone's raw ratio, the"
                    + " pooled demand and supply, the steps that changed it, the cap and the pricing policy's version.")
    boolean raw;

    @Option(
            names = "--price-quality",
            description =
                    "Instead of printing multipliers, read every one committed"
                            + " now and print how plausible the raw and the published prices are: how many high prices rest on thin"
                            + " demand, how often zones flip, how far apart neighbouring zones are priced (as surge bench does).")
    boolean priceQuality;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest.")
    boolean fromBeginning;

    @Option(
            names = "--uncommitted",
            description = "Also show records of open or aborted transactions"
                    + " (read_uncommitted); by default only committed records are shown.")
    boolean uncommitted;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N records (default: run until Ctrl-C).")
    long limit = Long.MAX_VALUE;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SurgeConfig surge = config.load();
        if (priceQuality) {
            if (!topic.equals(surge.topics().multipliers())) {
                throw new FlagException("--price-quality reads the multipliers topic, "
                        + surge.topics().multipliers() + ", not " + topic);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(PriceQuality.committed(surge).table());
            out.flush();
            return 0;
        }
        TopicDecoders decoders =
                new TopicDecoders(surge.topics(), new SchemaRegistryClient(surge.registry())::schemaById);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaReaders.create(
                surge.kafka(),
                "surge-tail-" + ProcessHandle.current().pid(),
                uncommitted ? KafkaReaders.Isolation.UNCOMMITTED : KafkaReaders.Isolation.COMMITTED,
                fromBeginning)) {
            consumer.subscribe(List.of(topic));
            PrintWriter out = spec.commandLine().getOut();
            long printed = 0;
            while (printed < limit && !Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (printed++ < limit) {
                        out.println(decoders.decodes(topic) ? decoded(decoders, record) : diverted(record));
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    private String decoded(TopicDecoders decoders, ConsumerRecord<byte[], byte[]> record) {
        try {
            SpecificRecord value = decoders.decode(record.topic(), record.value());
            if (json) {
                return value.toString();
            }
            if (value instanceof SurgeMultiplier m) {
                return String.format(
                                "%s  %-22s x%.2f  demand %d  supply %d  window %s .. %s",
                                m.getWindowEnd(),
                                m.getZoneId(),
                                m.getMultiplier(),
                                m.getDemand(),
                                m.getSupply(),
                                m.getWindowStart(),
                                m.getWindowEnd())
                        + (raw ? pricing(m) : "");
            }
            SurgeAlert a = (SurgeAlert) value;
            return String.format(
                    "%s  %-8s %-8s %-16s %-22s %s%s",
                    OpenEpisodes.occurredAt(a),
                    a.getStatus(),
                    a.getSeverity(),
                    a.getRule(),
                    a.getZoneId(),
                    a.getSummary(),
                    a.getEpisodeId() == null ? "" : "  episode " + a.getEpisodeId());
        } catch (UndecodableException e) {
            return "offset " + record.offset() + ": cannot decode: " + e.getMessage();
        }
    }

    private static String pricing(SurgeMultiplier m) {
        if (m.getPolicyVersion() == null) {
            return String.format("  raw x%.2f (written before published prices)", OutputSerializers.rawMultiplier(m));
        }
        return String.format(
                "  raw x%.2f  pooled %.2f / %.2f  adjusted by %s%s  %s",
                m.getRawMultiplier(),
                m.getPooledDemand(),
                m.getPooledSupply(),
                m.getAdjustments().isEmpty() ? "nothing" : String.join(", ", m.getAdjustments()),
                m.getCap() == null ? "" : " (cap " + m.getCap() + ")",
                m.getPolicyVersion());
    }

    private String diverted(ConsumerRecord<byte[], byte[]> record) {
        String reason = header(record, DivertedRecordSerializer.REASON);
        String detail = header(record, DivertedRecordSerializer.DETAIL);
        String source = header(record, DivertedRecordSerializer.SOURCE_TOPIC) + "/"
                + header(record, DivertedRecordSerializer.SOURCE_PARTITION) + "@"
                + header(record, DivertedRecordSerializer.SOURCE_OFFSET);
        int size = record.value() == null ? 0 : record.value().length;
        if (json) {
            return String.format(
                    "{\"reason\": \"%s\", \"source\": \"%s\", \"bytes\": %d, \"detail\": \"%s\"}",
                    reason, source, size, detail.replace("\\", "\\\\").replace("\"", "\\\""));
        }
        return String.format("%-15s %-24s %5d bytes  %s", reason, source, size, detail);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
