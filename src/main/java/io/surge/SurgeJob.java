package io.surge;

import io.surge.alerts.AlertRule;
import io.surge.alerts.RuleParser;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.FlinkSettings;
import io.surge.config.JobArguments;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeOption;
import io.surge.event.Ingested;
import io.surge.ingest.InputValidation;
import io.surge.io.kafka.DivertedRecordSerializer;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.io.kafka.OutputRecords;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.OutputSchemas;
import io.surge.io.registry.SchemaRegistryClient;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import io.surge.time.EventTimeWatermarks;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The surge job: Kafka inputs through the registry, the surge pipeline and the alert rules, exactly-once Kafka
 * outputs. Its main class is
 * what {@code flink run} starts on a cluster and what {@code surge run} starts locally.
 *
 * <p>It takes the flags of {@code surge run}: {@code --bootstrap}, {@code --registry}, {@code --config FILE} and
 * {@code --set key=value} for any key of {@link SurgeOption}, which lists every option with its default and meaning;
 * environment variables {@code SURGE_*} set options too.
 */
public final class SurgeJob {

    private SurgeJob() {}

    /**
     * What {@code flink run} and application mode start, with the configuration flags of {@code surge run}. It
     * returns rather than exits, as in application mode it runs inside the JobManager. On a cluster, resuming after a
     * whole-process failure is the cluster's part (JobManager high availability, savepoints): unlike
     * {@code surge run}, this looks for no retained checkpoint of its own.
     */
    public static void main(String[] args) throws Exception {
        SurgeConfig config = JobArguments.load(args, System.getenv());
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
        OutputSchemas outputSchemas = outputSchemas(config);
        int multiplierSchemaId = outputSchemas.prepare(config.topics().multipliers(), SurgeMultiplier.getClassSchema());
        int alertSchemaId = outputSchemas.prepare(config.topics().alerts(), SurgeAlert.getClassSchema());

        SurgePipeline.Outputs outputs = SurgePipeline.build(inputs(env, config, clock), config, rules, clock);

        outputs.multipliers()
                .sinkTo(multipliersSink(config, multiplierSchemaId))
                .name("Surge multipliers to Kafka")
                .uid("multipliers-sink");
        if (outputs.alerts() != null) {
            outputs.alerts()
                    .sinkTo(KafkaEndpoints.sink(config, "alerts",
                            OutputRecords.alerts(config.topics().alerts(), alertSchemaId)))
                    .name("Surge alerts to Kafka")
                    .uid("alerts-sink");
        }
        outputs.lateEvents()
                .sinkTo(KafkaEndpoints.sink(config, "late-events",
                        new DivertedRecordSerializer(config.topics().lateEvents(), config.divertedMaxBytes())))
                .name("Late events to Kafka")
                .uid("late-events-sink");
        outputs.deadLetters()
                .sinkTo(KafkaEndpoints.sink(config, "dead-letters",
                        new DivertedRecordSerializer(config.topics().deadLetters(), config.divertedMaxBytes())))
                .name("Dead letters to Kafka")
                .uid("dead-letters-sink");
    }

    /** The output schemas of the configured registry, registered or looked up as configured. */
    public static OutputSchemas outputSchemas(SurgeConfig config) {
        return new OutputSchemas(new SchemaRegistryClient(config.registry()), config.autoRegisterSchemas());
    }

    /** Both input topics, decoded through the registry and validated into zone events or diverted records. */
    public static DataStream<Ingested> inputs(StreamExecutionEnvironment env, SurgeConfig config, Clock clock) {
        InputValidation validation = new InputValidation(config.zoneResolver(), config.maxFutureSkew(), clock);
        return env.fromSource(
                        KafkaEndpoints.inputs(config, validation),
                        EventTimeWatermarks.strategy(config.outOfOrderness(), config.idleness()),
                        "Ride requests and driver statuses from Kafka")
                .uid("kafka-inputs");
    }

    /** The multipliers topic, with the configured delivery, in the wire format under {@code schemaId}. */
    public static KafkaSink<ZoneSurge> multipliersSink(SurgeConfig config, int schemaId) {
        return KafkaEndpoints.sink(config, "multipliers",
                OutputRecords.multipliers(config.topics().multipliers(), schemaId));
    }
}
