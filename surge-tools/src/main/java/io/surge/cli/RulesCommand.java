package io.surge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.surge.alerts.AlertRule;
import io.surge.alerts.RuleException;
import io.surge.alerts.RuleParser;
import io.surge.alerts.RulePlan;
import io.surge.alerts.RuleSetVersion;
import io.surge.alerts.TrustedKeys;
import io.surge.config.SurgeConfig;
import io.surge.io.kafka.RuleSetTopic;
import io.surge.io.kafka.TopicSetup;
import io.surge.monitoring.FlinkRest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Alert rule tooling. */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Check, deploy, list and backtest alert rules.",
        subcommands = {
            RulesCommand.Check.class,
            RulesCommand.Deploy.class,
            RulesCommand.ListVersions.class,
            RulesCommand.Keygen.class,
            BacktestCommand.class
        })
final class RulesCommand implements Runnable {

    @Override
    public void run() {
        SurgeCli.commandLine(this).usage(System.out);
    }

    /** One line per rule, as {@code rules check} and {@code rules deploy} print them. */
    private static void print(List<AlertRule> rules, PrintWriter out) {
        for (AlertRule rule : rules) {
            out.printf(
                    "ok  %-18s %-11s %-8s %d step(s) within %ss%n",
                    rule.name(),
                    rule.input().wireName(),
                    rule.severity(),
                    rule.steps().size(),
                    rule.within().toSeconds());
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Check every rule file of a directory as the job does at start.")
    static final class Check implements Callable<Integer> {

        @Parameters(
                paramLabel = "DIR",
                defaultValue = "alerts",
                description = "Rule directory. Default: ${DEFAULT-VALUE}.")
        Path dir;

        @Option(
                names = "--explain",
                description = "Also say how each rule runs: counted per zone, or on flink-cep's NFA and why.")
        boolean explain;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<AlertRule> rules = RuleParser.parseDirectory(dir);
            print(rules, out);
            if (explain) {
                for (AlertRule rule : rules) {
                    out.printf("%-22s %s%n", rule.name(), RulePlan.of(rule).explanation());
                }
            }
            out.println(rules.size() + " rule(s) in " + dir + " are valid");
            return 0;
        }
    }

    @Command(
            name = "deploy",
            mixinStandardHelpOptions = true,
            description = {
                "Check every rule file of a directory as 'rules check' does, then publish them as the next"
                        + " rule set version to the rules topic: the running job applies it to records at or after its"
                        + " effective time, with no restart.",
                "To roll back, deploy the directory of an earlier version again: it becomes a new version."
            })
    static final class Deploy implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "Rule directory.")
        Path dir;

        @Option(
                names = "--effective-from",
                paramLabel = "TIME",
                description = "Event time from which the set applies, as an ISO-8601 instant, e.g."
                        + " 2026-12-01T18:00:00Z. Default: now.")
        String effectiveFrom;

        @Option(names = "--by", paramLabel = "NAME", description = "Who deploys, for the record. Default: user@host.")
        String by;

        @Option(
                names = "--key",
                paramLabel = "FILE",
                description = "Sign the version with this key pair (as surge rules keygen writes it): a job with"
                        + " rules.trusted-keys applies only versions signed by a key it trusts.")
        Path key;

        @Mixin
        ConfigOptions config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> files = RuleParser.readDirectory(dir);
            List<AlertRule> rules = RuleParser.parseFiles(files, dir::resolve);
            print(rules, out);
            Instant now = Instant.now();
            Instant from = effectiveFrom == null ? now : instant(effectiveFrom);
            if (from.isAfter(now.plus(RuleSetVersion.MAX_LEAD))) {
                throw new FlagException("--effective-from " + from + " is more than " + RuleSetVersion.MAX_LEAD.toDays()
                        + " days ahead; a job refuses such a version");
            }
            RuleSetVersion unsigned =
                    new RuleSetVersion(0, from.toEpochMilli(), files, by != null ? by : deployer(), null, null);
            TrustedKeys.Signer signer = key == null ? null : signer(key);
            SurgeConfig surge = config.load();
            TopicSetup.ensureTopics(surge.kafkaJob(), List.of(surge.topics().ruleSets()));
            RuleSetVersion version =
                    RuleSetTopic.publish(surge.kafkaJob(), signer == null ? unsigned : signer.sign(unsigned), now);
            out.printf(
                    "deployed rule set version %d (%d rule(s) from %s) to %s, effective from %s%s%n",
                    version.version(),
                    rules.size(),
                    dir,
                    surge.topics().ruleSets(),
                    from,
                    signer == null ? "" : ", signed by key " + signer.keyId());
            return 0;
        }

        private static TrustedKeys.Signer signer(Path file) {
            try {
                return TrustedKeys.signer(Files.readString(file));
            } catch (IOException e) {
                throw new FlagException("--key " + file + ": cannot read it (" + e.getMessage() + ")");
            } catch (IllegalArgumentException e) {
                throw new FlagException("--key " + file + ": " + e.getMessage());
            }
        }

        private static Instant instant(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new FlagException("--effective-from " + text + " is not an ISO-8601 instant; write it like"
                        + " 2026-12-01T18:00:00Z");
            }
        }

        private static String deployer() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
            return System.getProperty("user.name") + "@" + host;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the deployed rule set versions and which is in force now; with --flink, also which"
                    + " the running job has taken, and which is in force at its event time.")
    static final class ListVersions implements Callable<Integer> {

        private static final String RULES_VERTEX = "Alert rules on";

        @Option(
                names = "--flink",
                paramLabel = "URL",
                description = "Flink's REST API (its web UI address), for what the running job reports.")
        String flink;

        @Mixin
        ConfigOptions config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            SurgeConfig surge = config.load();
            List<RuleSetVersion> versions = RuleSetTopic.readAll(surge.kafkaJob());
            long now = System.currentTimeMillis();
            long inForceNow = 0;
            out.printf("%-8s %-24s %-24s %s%n", "VERSION", "EFFECTIVE FROM", "DEPLOYED BY", "RULES");
            out.printf("%-8d %-24s %-24s %s%n", 0, "(start)", "alerts.dir of the job", "");
            for (RuleSetVersion version : versions) {
                String rules;
                try {
                    rules = version.rules(surge.rules().trustedKeys(), now).stream()
                            .map(AlertRule::name)
                            .collect(Collectors.joining(", "));
                    if (version.effectiveFrom() <= now) {
                        inForceNow = version.version();
                    }
                } catch (RuleException e) {
                    // as the job does: it refuses the version and keeps the one in force
                    rules = "(refused: " + e.getMessage() + ")";
                }
                out.printf(
                        "%-8d %-24s %-24s %s%n",
                        version.version(), Instant.ofEpochMilli(version.effectiveFrom()), version.deployedBy(), rules);
            }
            out.println();
            out.printf("version %d is in force now, by the clock%n", inForceNow);
            if (flink != null) {
                job(surge, out);
            }
            return 0;
        }

        /** What the running job itself reports: the versions it has taken and refused, and the one in force. */
        private void job(SurgeConfig surge, PrintWriter out) throws IOException, InterruptedException {
            FlinkRest rest = new FlinkRest(flink);
            Optional<JsonNode> job = rest.newestJob(surge.jobName());
            if (job.isEmpty()) {
                throw new FlagException(
                        "no job named " + surge.jobName() + " on " + flink + "; check --flink and" + " job.name");
            }
            String id = job.get().path("jid").asText();
            OptionalLong latest = rest.metric(id, RULES_VERTEX, "surge.latestRuleSetVersion", "min");
            OptionalLong inForce = rest.metric(id, RULES_VERTEX, "surge.ruleSetVersion", "min");
            OptionalLong refused = rest.metric(id, RULES_VERTEX, "surge.ruleSetsRefused", "max");
            OptionalLong watermark = rest.watermark(id, RULES_VERTEX);
            if (latest.isEmpty() || inForce.isEmpty()) {
                out.println("the job reports no rule set versions yet");
                return;
            }
            out.printf(
                    "the job has taken versions up to %d; version %d is in force at its watermark %s%n",
                    latest.getAsLong(),
                    inForce.getAsLong(),
                    watermark.isPresent() ? Instant.ofEpochMilli(watermark.getAsLong()) : "(none yet)");
            if (refused.orElse(0) > 0) {
                out.printf("the job refused %d version(s): its log says why%n", refused.getAsLong());
            }
        }
    }

    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = {
                "Write a new Ed25519 key pair for signing rule set versions: FILE holds both keys, for"
                        + " surge rules deploy --key (keep it secret); FILE.pub the public key, for the job's"
                        + " rules.trusted-keys (several deployers' keys can be concatenated into one file)."
            })
    static final class Keygen implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "Where to write the key pair; FILE.pub gets the public key.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(file)) {
                throw new FlagException(file + " exists; a key pair is never overwritten");
            }
            String pair = TrustedKeys.generate();
            Path pub = Path.of(file + ".pub");
            Files.writeString(
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    pair);
            Files.writeString(pub, TrustedKeys.publicPart(pair));
            spec.commandLine()
                    .getOut()
                    .printf(
                            "wrote key %s: %s (secret) and %s%n",
                            TrustedKeys.signer(pair).keyId(), file, pub);
            return 0;
        }
    }
}
