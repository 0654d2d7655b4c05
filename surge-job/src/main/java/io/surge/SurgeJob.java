package io.surge;

import io.surge.alerts.RuleSetVersion;
import io.surge.alerts.RuleSets;
import io.surge.alerts.ZoneAlert;
import io.surge.avro.SurgeAlert;
import io.surge.avro.SurgeMultiplier;
import io.surge.config.FlinkSettings;
import io.surge.config.JobArguments;
import io.surge.config.SurgeConfig;
import io.surge.config.SurgeOption;
import io.surge.event.DivertedRecord;
import io.surge.event.Ingested;
import io.surge.ingest.InputValidation;
import io.surge.io.kafka.KafkaEndpoints;
import io.surge.io.kafka.RuleSetTopic;
import io.surge.io.kafka.TopicSetup;
import io.surge.io.registry.OutputSchemas;
import io.surge.pricing.ZoneSurge;
import io.surge.time.Clock;
import io.surge.time.EventTimeWatermarks;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The surge job: ingested inputs through the surge pipeline and the alert rules to one sink per output. It gets its
 * source and sinks from outside, as flink-training's jobs do: Kafka through the registry for the product
 * ({@link #buildOnKafka}), anything for a test ({@link #build}).
 *
 * <p>Its main class is what {@code flink run} and application mode start. It takes the configuration flags of
 * {@code surge run}: {@code --bootstrap}, {@code --registry}, {@code --config FILE} and {@code --set key=value} for any
 * key of {@link SurgeOption}, which lists every option with its default and meaning; environment variables
 * {@code SURGE_*} set options too.
 */
public final class SurgeJob {

    /** Where the pipeline's four outputs go. */
    public record Sinks(
            Sink<ZoneSurge> multipliers,
            Sink<ZoneAlert> alerts,
            Sink<DivertedRecord> lateEvents,
            Sink<DivertedRecord> deadLetters) {}

    private SurgeJob() {}

    /**
     * What {@code flink run} and application mode start. It returns rather than exits, as in application mode it runs
     * inside the JobManager. On a cluster, resuming after a whole-process failure is the cluster's part (JobManager
     * high availability, savepoints): unlike {@code surge run}, this looks for no retained checkpoint of its own.
     */
    public static void main(String[] args) throws Exception {
        SurgeConfig config = JobArguments.load(args, System.getenv());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.of(config));
        buildOnKafka(env, config, Clock.system());
        env.execute(config.jobName());
    }

    /**
     * The product: the rules of {@code alerts.dir} as version 0 and the versions deployed to {@code surge-rules},
     * between Kafka inputs and exactly-once Kafka outputs. Checks the rules, creates missing topics and prepares the
     * output schemas first, so it fails fast, with a message naming what to fix, on a bad rule file or when Kafka or
     * the registry cannot be reached. The versions deployed so far are read here, so that the job knows them all
     * before its first record; those deployed later reach it through its rule sets source.
     */
    public static void buildOnKafka(StreamExecutionEnvironment env, SurgeConfig config, Clock clock) {
        RuleSetVersion fromDirectory =
                RuleSetVersion.fromDirectory(config.rules().dir());
        fromDirectory.rules();
        TopicSetup.ensureTopics(config.kafkaJob());
        List<RuleSetVersion> known = new ArrayList<>(List.of(fromDirectory));
        known.addAll(RuleSetTopic.readAll(config.kafkaJob()));
        OutputSchemas schemas = KafkaEndpoints.outputSchemas(config.kafkaJob());
        Sinks sinks = new Sinks(
                KafkaEndpoints.multipliers(
                        config.kafkaJob(),
                        schemas.prepare(config.topics().multipliers(), SurgeMultiplier.getClassSchema())),
                KafkaEndpoints.alerts(
                        config.kafkaJob(), schemas.prepare(config.topics().alerts(), SurgeAlert.getClassSchema())),
                KafkaEndpoints.lateEvents(config.kafkaJob()),
                KafkaEndpoints.deadLetters(config.kafkaJob()));
        DataStream<RuleSetVersion> deployed = env.fromSource(
                        RuleSetTopic.source(config.kafkaJob()),
                        WatermarkStrategy.noWatermarks(),
                        "Rule set versions from Kafka")
                .uid("kafka-rule-sets")
                .setParallelism(1);
        build(
                env,
                config,
                KafkaEndpoints.inputs(config.kafkaJob(), validation(config, clock)),
                new RuleSets(known, deployed, config.rules().trustedKeys()),
                sinks,
                clock);
    }

    /**
     * The job on any source of ingested inputs and any sinks: event time per source split, the pipeline, one sink per
     * output, every operator named and with a stable uid.
     */
    public static void build(
            StreamExecutionEnvironment env,
            SurgeConfig config,
            Source<Ingested, ?, ?> source,
            RuleSets rules,
            Sinks sinks,
            Clock clock) {
        SurgePipeline.Outputs outputs = SurgePipeline.build(inputs(env, config, source, clock), config, rules, clock);
        outputs.multipliers()
                .sinkTo(sinks.multipliers())
                .name("Surge multipliers to Kafka")
                .uid("multipliers-sink");
        outputs.alerts().sinkTo(sinks.alerts()).name("Surge alerts to Kafka").uid("alerts-sink");
        outputs.lateEvents()
                .sinkTo(sinks.lateEvents())
                .name("Late events to Kafka")
                .uid("late-events-sink");
        outputs.deadLetters()
                .sinkTo(sinks.deadLetters())
                .name("Dead letters to Kafka")
                .uid("dead-letters-sink");
    }

    /** The inputs as the pipeline takes them: event time and watermarks per source split. */
    public static DataStream<Ingested> inputs(
            StreamExecutionEnvironment env, SurgeConfig config, Source<Ingested, ?, ?> source, Clock clock) {
        return env.fromSource(
                        source,
                        EventTimeWatermarks.strategy(config.watermarks(), clock),
                        "Ride requests and driver statuses from Kafka")
                .uid("kafka-inputs");
    }

    /** How the sources turn decoded records into zone events. */
    public static InputValidation validation(SurgeConfig config, Clock clock) {
        return InputValidation.of(config.input(), clock);
    }
}
