package io.surge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.config.SurgeConfig;
import io.surge.embedded.EmbeddedKafka;
import io.surge.embedded.EmbeddedRegistry;
import io.surge.io.kafka.KafkaSettings;
import io.surge.io.kafka.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACLs docs/rules.md gives for the rules topic, on a broker with Kafka's authorizer and SASL/SCRAM users: the job's
 * user reads the deployed versions but cannot publish one, and a deployer's user can.
 */
class RuleTopicAclsITCase {

    @TempDir
    Path dir;

    @Test
    void theJobsUserReadsTheRulesAndOnlyTheDeployersWritesThem() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startWithAcls("admin", "admin-" + UUID.randomUUID());
                EmbeddedRegistry registry = EmbeddedRegistry.start(EmbeddedRegistry.DEFAULT_JAR, 0)) {
            TopicSetup.ensureTopics(SurgeConfig.fromOptions(options(kafka.clientSettings(), registry.url()), "test")
                    .kafkaJob());
            KafkaSettings job = kafka.addUser("surge-job", "job-" + UUID.randomUUID());
            KafkaSettings deployer = kafka.addUser("deployer", "deployer-" + UUID.randomUUID());
            kafka.allow(
                    allow("surge-job", ResourceType.TOPIC, "surge-rules", AclOperation.READ),
                    allow("surge-job", ResourceType.TOPIC, "surge-rules", AclOperation.DESCRIBE),
                    allow("deployer", ResourceType.TOPIC, "surge-rules", AclOperation.WRITE),
                    allow("deployer", ResourceType.TOPIC, "surge-rules", AclOperation.DESCRIBE));
            Path rules = Files.createDirectories(dir.resolve("rules"));
            Files.copy(Path.of("alerts/surge-spike.yaml"), rules.resolve("surge-spike.yaml"));

            CliRun deployed = CliRun.of(as(deployer, registry, "rules", "deploy", rules.toString()));
            CliRun byTheJob = CliRun.of(as(job, registry, "rules", "deploy", rules.toString()));
            CliRun listed = CliRun.of(as(job, registry, "rules", "list"));

            assertThat(deployed.out()).as(deployed.err()).contains("deployed rule set version 1");
            assertThat(byTheJob.exitCode()).isNotZero();
            assertThat(byTheJob.err())
                    .contains("cannot publish a rule set version to surge-rules")
                    .contains("user 'surge-job' is not allowed this on the broker");
            assertThat(listed.out()).as(listed.err()).containsPattern("1 +\\S+ +\\S+ +surge-spike");
        }
    }

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static Map<String, String> options(KafkaSettings user, String registry) {
        return Map.of(
                "kafka.bootstrap", user.bootstrapServers(),
                "kafka.security-protocol", user.securityProtocol(),
                "kafka.sasl.mechanism", user.saslMechanism(),
                "kafka.sasl.username", user.username(),
                "kafka.sasl.password", user.password(),
                "registry.url", registry);
    }

    private static String[] as(KafkaSettings user, EmbeddedRegistry registry, String... command) {
        List<String> arguments = new ArrayList<>(List.of(command));
        options(user, registry.url()).forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        return arguments.toArray(String[]::new);
    }
}
