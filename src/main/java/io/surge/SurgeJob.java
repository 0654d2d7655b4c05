package io.surge;

import io.surge.alerts.AlertRule;
import io.surge.alerts.RuleParser;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.ConfigException;
import io.surge.config.FlinkSettings;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeOption;
import io.surge.event.Ingested;
import io.surge.ingest.InputValidation;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.io.kafka.SurgeAlertSerializer;
import io.surge.io.kafka.SurgeMultiplierSerializer;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.OutputSchemas;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.time.Clock;
import io.surge.time.EventTimeWatermarks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The surge job: Kafka inputs through the registry, the surge pipeline and the alert rules, exactly-once Kafka
 * outputs. Its main class is
 * what {@code flink run} starts on a cluster and what {@code surge run} starts locally.
 *
 * <p>Options are given as {@code --key value} with the keys of {@link SurgeOption}, each with its default and meaning,
 * for example {@code --kafka.bootstrap broker:9092 --registry.url http://registry:8081 --window.size 30s}.
 */
public final class SurgeJob {

    private SurgeJob() {}

    public static void main(String[] args) throws Exception {
        SurgeConfig config = SurgeConfig.fromOptions(parseArgs(args), "command line");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));
        build(env, config, Clock.system());
        env.execute(config.jobName());
    }

    /**
     * Checks the alert rules, prepares topics and output schemas, then wires sources, pipeline and sinks into
     * {@code env}. Fails fast, with a message naming what to fix, on a bad rule file or when Kafka or the registry
     * cannot be reached.
     */
    public static void build(StreamExecutionEnvironment env, SurgeConfig config, Clock clock) {
        List<AlertRule> rules = RuleParser.parseDirectory(config.alertsDir());
        TopicSetup.ensureTopics(config);
        OutputSchemas outputSchemas =
                new OutputSchemas(new SchemaRegistryClient(config.registry()), config.autoRegisterSchemas());
        int multiplierSchemaId = outputSchemas.prepare(config.topics().multipliers(), SurgeMultiplier.getClassSchema());
        int alertSchemaId = outputSchemas.prepare(config.topics().alerts(), SurgeAlert.getClassSchema());

        InputValidation validation = new InputValidation(config.zoneResolver(), config.maxFutureSkew(), clock);
        DataStream<Ingested> inputs = env.fromSource(
                        KafkaEndpoints.inputs(config, validation),
                        EventTimeWatermarks.strategy(config.outOfOrderness(), config.idleness()),
                        "Ride requests and driver statuses from Kafka")
                .uid("kafka-inputs");

        SurgePipeline.Outputs outputs = SurgePipeline.build(inputs, config, rules, clock);

        outputs.multipliers()
                .sinkTo(KafkaEndpoints.exactlyOnce(config, "multipliers",
                        new SurgeMultiplierSerializer(config.topics().multipliers(), multiplierSchemaId)))
                .name("Surge multipliers to Kafka")
                .uid("multipliers-sink");
        if (outputs.alerts() != null) {
            outputs.alerts()
                    .sinkTo(KafkaEndpoints.exactlyOnce(config, "alerts",
                            new SurgeAlertSerializer(config.topics().alerts(), alertSchemaId)))
                    .name("Surge alerts to Kafka")
                    .uid("alerts-sink");
        }
        outputs.lateEvents()
                .sinkTo(KafkaEndpoints.exactlyOnce(config, "late-events",
                        new DivertedRecordSerializer(config.topics().lateEvents())))
                .name("Late events to Kafka")
                .uid("late-events-sink");
        outputs.deadLetters()
                .sinkTo(KafkaEndpoints.exactlyOnce(config, "dead-letters",
                        new DivertedRecordSerializer(config.topics().deadLetters())))
                .name("Dead letters to Kafka")
                .uid("dead-letters-sink");
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new ConfigException("command line: '" + arg + "' is not an option; write --key value");
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                options.put(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                throw new ConfigException("command line: option " + arg + " has no value");
            }
        }
        return options;
    }
}
