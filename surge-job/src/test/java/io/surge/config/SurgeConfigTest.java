package io.surge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surge.pricing.WindowSpec;
import io.surge.zone.Area;
import io.surge.zone.ZoneScheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SurgeConfigTest {

    @Test
    void defaultsAreThoseOfTheContract() {
        SurgeConfig config = SurgeConfig.defaults();

        assertThat(config.window()).isEqualTo(new WindowSpec(30_000, 5_000, 0));
        assertThat(config.watermarks().outOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.watermarks().idleness()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.input().zones()).isEqualTo(ZoneScheme.GRID);
        assertThat(config.input().maxFutureSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.checkpointing().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.checkpointing().backend()).isEqualTo(StateBackendKind.ROCKSDB);
    }

    @Test
    void optionsOverrideDefaults() {
        SurgeConfig config = SurgeConfig.fromOptions(
                Map.of("window.size", "1 min", "window.slide", "10s", "zones", "H3", "zones.h3-resolution", "7"),
                "test");

        assertThat(config.window()).isEqualTo(new WindowSpec(60_000, 10_000, 0));
        assertThat(config.input().zoneResolver().zoneOf(37.775938728915946, -122.41795063018799))
                .startsWith("h3_87");
    }

    @Test
    void anUnknownOptionIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("window.length", "30s"), "surge.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("surge.yaml: unknown option 'window.length'")
                .hasMessageContaining("window.size");
    }

    @Test
    void aWindowThatIsNotAWholeNumberOfSlidesIsRefusedWithAFix() {
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("window.size", "32s"), "command line"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("command line: option window.size: window.size (32 s) must be a whole multiple of"
                        + " window.slide (5 s); choose a size such as 30 s or a slide that divides 32 s.");
    }

    @Test
    void badValuesNameTheOptionAndTheFix() {
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("watermark.idleness", "soon"), "env"))
                .hasMessage("env: option watermark.idleness: 'soon' is not a duration; write it like 30s, 500ms,"
                        + " 2min or 1h.");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("window.slide", "0s"), "env"))
                .hasMessageContaining("option window.slide: '0s' must be positive");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("zones", "hexagons"), "env"))
                .hasMessage("env: option zones: 'hexagons' is not one of grid or h3; use grid or h3.");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("zones.h3-resolution", "16"), "env"))
                .hasMessageContaining("option zones.h3-resolution: '16' is not a whole number from 0 to 15");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("state.backend", "memory"), "env"))
                .hasMessageContaining("use rocksdb or hashmap");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("zones.bounds", "40.49,-74.27,40.92"), "env"))
                .hasMessageContaining("option zones.bounds: '40.49,-74.27,40.92' is not south,west,north,east;"
                        + " write boxes as south,west,north,east separated by ;");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("zones.bounds", "40.92,-74.27,40.49,-73.68"), "env"))
                .hasMessageContaining("option zones.bounds: not a box (south 40.92, west -74.27, north 40.49");
    }

    @Test
    void boundsAreBoxesSeparatedBySemicolons() {
        assertThat(SurgeConfig.fromOptions(
                                Map.of("zones.bounds", " 40.49,-74.27,40.92,-73.68 ; 51.28,-0.51,51.69,0.33"), "env")
                        .input()
                        .bounds())
                .containsExactly(new Area(40.49, -74.27, 40.92, -73.68), new Area(51.28, -0.51, 51.69, 0.33));
        assertThat(SurgeConfig.defaults().input().bounds()).as("anywhere").isEmpty();
    }

    @Test
    void credentialsComeFromAValueOrASecretFileAndNeverShowInTheConfiguration(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("kafka-password"), "s3cret-from-file\n");
        SurgeConfig config = SurgeConfig.fromOptions(
                Map.of(
                        "kafka.security-protocol", "SASL_plaintext",
                        "kafka.sasl.username", "surge",
                        "kafka.sasl.password-file", secret.toString(),
                        "registry.url", "https://registry.example:8081",
                        "registry.username", "reader",
                        "registry.password", "s3cret-value"),
                "env");

        assertThat(config.kafka().clientProperties())
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"surge\" password=\"s3cret-from-file\";");
        assertThat(config.registry().password()).isEqualTo("s3cret-value");
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void credentialsReadableOnTheWayAreRefusedUnlessAllowed() {
        Map<String, String> plain = Map.of(
                "kafka.security-protocol",
                "sasl_plaintext",
                "kafka.sasl.mechanism",
                "plain",
                "kafka.sasl.username",
                "surge",
                "kafka.sasl.password",
                "p");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(plain, "env"))
                .hasMessage("env: option kafka.sasl.mechanism: plain over sasl_plaintext sends the password readable"
                        + " to anyone on the way to the broker; use kafka.security-protocol sasl_ssl, or a scram"
                        + " mechanism (which never sends the password); on a test bed, set"
                        + " security.allow-cleartext-credentials=true.");
        Map<String, String> basicAuth = Map.of(
                "registry.url",
                "HTTP://registry.example:8081",
                "registry.username",
                "reader",
                "registry.password",
                "p");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(basicAuth, "env"))
                .hasMessage("env: option registry.url: basic auth over http:// sends registry.password readable to"
                        + " anyone on the way to the registry; use an https:// URL; on a test bed, set"
                        + " security.allow-cleartext-credentials=true.");

        for (Map<String, String> options : List.of(plain, basicAuth)) {
            Map<String, String> allowed = new HashMap<>(options);
            allowed.put("security.allow-cleartext-credentials", "true");
            assertThat(SurgeConfig.fromOptions(allowed, "env")).isNotNull();
        }
        // what never sends the password itself, or sends it encrypted
        assertThat(SurgeConfig.fromOptions(
                                Map.of(
                                        "kafka.security-protocol",
                                        "sasl_plaintext",
                                        "kafka.sasl.username",
                                        "surge",
                                        "kafka.sasl.password",
                                        "p"),
                                "env")
                        .kafka()
                        .saslMechanism())
                .isEqualTo("SCRAM-SHA-512");
        assertThat(SurgeConfig.fromOptions(
                        Map.of(
                                "kafka.security-protocol",
                                "sasl_ssl",
                                "kafka.sasl.mechanism",
                                "plain",
                                "kafka.sasl.username",
                                "surge",
                                "kafka.sasl.password",
                                "p"),
                        "env"))
                .isNotNull();
        assertThat(SurgeConfig.fromOptions(Map.of("registry.url", "http://registry.example:8081"), "env"))
                .as("http:// without credentials")
                .isNotNull();
    }

    @Test
    void missingOrContradictoryCredentialsAreRefusedWithAFix(@TempDir Path dir) {
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("kafka.security-protocol", "sasl_ssl"), "env"))
                .hasMessage("env: option kafka.security-protocol: sasl_ssl needs credentials, but kafka.sasl.username"
                        + " is empty; set kafka.sasl.username and kafka.sasl.password-file (or"
                        + " SURGE_KAFKA_SASL_USERNAME and SURGE_KAFKA_SASL_PASSWORD).");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("kafka.sasl.username", "surge"), "env"))
                .hasMessageContaining("option kafka.sasl.username: it is set but kafka.security-protocol is plaintext");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(
                        Map.of("registry.password", "a", "registry.password-file", "/run/secrets/b"), "env"))
                .hasMessage("env: option registry.password-file: it is set as well as registry.password; give only"
                        + " one of them.");
        Path missing = dir.resolve("absent");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("registry.password-file", missing.toString()), "env"))
                .hasMessage("env: option registry.password-file: the file " + missing + " cannot be read"
                        + " (NoSuchFileException); check the path and that this user may read it.");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("kafka.sasl.mechanism", "kerberos"), "env"))
                .hasMessage("env: option kafka.sasl.mechanism: 'kerberos' is not one of scram-sha-256,"
                        + " scram-sha-512, plain; use one of scram-sha-256, scram-sha-512, plain.");
    }

    @Test
    void aTransactionTimeoutThatCannotOutliveACheckpointAndTheLongestDowntimeIsRefusedNamingTheOptions() {
        assertThatThrownBy(() -> SurgeConfig.fromOptions(
                        Map.of("kafka.transaction-timeout", "8min", "checkpoint.timeout", "4min"), "surge.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("surge.yaml: option kafka.transaction-timeout: 8 min is shorter than checkpoint.interval"
                        + " (5 s) + checkpoint.timeout (4 min) + recovery.max-downtime (5 min) = 545 s, so the broker"
                        + " could abort results after their checkpoint counted them as delivered; raise"
                        + " kafka.transaction-timeout (and the broker's transaction.max.timeout.ms if needed), or lower"
                        + " checkpoint.timeout or recovery.max-downtime.");
        assertThat(SurgeConfig.fromOptions(
                                Map.of(
                                        "kafka.transaction-timeout",
                                        "8min",
                                        "checkpoint.timeout",
                                        "4min",
                                        "output.delivery",
                                        "at-least-once"),
                                "surge.yaml")
                        .checkpointing()
                        .transactionTimeout())
                .as("without transactions there is nothing to abort")
                .isEqualTo(Duration.ofMinutes(8));
        assertThat(SurgeConfig.defaults().checkpointing().longestTransaction())
                .isLessThanOrEqualTo(SurgeConfig.defaults().checkpointing().transactionTimeout());
    }

    @Test
    void theStateDirectoryDefaultsToOneUnderTheUsersHome() {
        assertThat(SurgeConfig.defaults().checkpointing().stateDir())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".surge", "state"));
        assertThat(SurgeConfig.fromOptions(Map.of("state.dir", "/var/lib/surge"), "test")
                        .checkpointing()
                        .stateDir())
                .isEqualTo(Path.of("/var/lib/surge"));
    }

    @Test
    void aJobNameMustBeUsableAsADirectoryAConsumerGroupAndATransactionalIdPrefix() {
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("job.name", "../surge"), "env"))
                .hasMessage("env: option job.name: '../surge' is not a plain name; use letters, digits, '.', '_' and"
                        + " '-' only, starting with a letter or digit, at most 100.");
    }

    @Test
    void pricingOptionsAreCheckedAndACapsFileIsReadWhole(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("pricing.cap", "6"), "env"))
                .hasMessage("env: option pricing.cap: '6' is not a number from 1.0 to 5.0; the default is 5.0.");
        assertThatThrownBy(() -> SurgeConfig.fromOptions(Map.of("pricing.neighbour-weight", "NaN"), "env"))
                .hasMessageContaining("option pricing.neighbour-weight: 'NaN' is not a number from 0.0 to 1.0");

        Path caps = Files.writeString(dir.resolve("caps.yaml"), """
                caps:
                  - name: storm
                    cap: 2.0
                    area: {south: 40.70, west: -74.02, north: 40.76, east: -73.97}
                    from: 2026-12-24T00:00:00Z
                    until: 2026-12-26T00:00:00Z
                  - name: market
                    cap: 3
                    zones: [zone_4071_-7401]
                """);
        var pricing = SurgeConfig.fromOptions(Map.of("pricing.caps-file", caps.toString()), "env")
                .pricing();
        var storm = pricing.price(
                io.surge.pricing.ZoneSurge.counted(
                        "zone_4071_-7401",
                        0,
                        java.time.Instant.parse("2026-12-25T00:00:00Z").toEpochMilli(),
                        90,
                        0,
                        0),
                0,
                0,
                4.0,
                0);
        assertThat(storm.multiplier()).isEqualTo(2.0);
        assertThat(storm.pricing().cap()).isEqualTo("storm");
        assertThat(pricing.version())
                .isNotEqualTo(SurgeConfig.defaults().pricing().version());
    }

    @Test
    void aBadCapsFileNamesTheFileTheCapTheFieldAndTheFix(@TempDir Path dir) throws Exception {
        assertThat(capsError(dir, "caps:\n  - name: storm\n    cap: 0.5\n    zones: [zone_1_1]\n"))
                .endsWith("caps.yaml: caps[0] (storm): field 'cap': 0.5 is outside [1.0, 5.0]; a cap below 1.0 would"
                        + " price under no surge, above 5.0 it caps nothing.");
        assertThat(capsError(dir, "caps:\n  - name: storm\n    cap: 2\n"))
                .endsWith("caps.yaml: caps[0] (storm): it covers no zone; give zones, area or both.");
        assertThat(capsError(dir, "caps:\n  - name: storm\n    cap: 2\n    zones: [z]\n    until: tomorrow\n"))
                .endsWith("caps.yaml: caps[0] (storm): field 'until': 'tomorrow' is not a time; write it like"
                        + " 2026-12-24T00:00:00Z.");
        assertThat(capsError(dir, "caps:\n  - name: storm\n    cap: 2\n    zone: [z]\n"))
                .contains("caps.yaml: caps[0]: unknown field 'zone'; the fields are name, cap, zones, area, from,"
                        + " until.");
        assertThat(capsError(
                        dir,
                        "caps:\n  - name: a\n    cap: 2\n    zones: [z]\n  - name: a\n    cap: 3\n"
                                + "    zones: [y]\n"))
                .endsWith("caps.yaml: caps[1]: field 'name': 'a' is used twice; give each cap its own name.");
        assertThat(capsError(
                        dir,
                        "caps:\n  - name: box\n    cap: 2\n    area: {south: 41, west: -74, north: 40,"
                                + " east: -73}\n"))
                .contains("caps.yaml: caps[0] (box): field 'area': not a box (south 41.0");
    }

    private static String capsError(Path dir, String yaml) throws Exception {
        Path caps = Files.writeString(dir.resolve("caps.yaml"), yaml);
        try {
            SurgeConfig.fromOptions(Map.of("pricing.caps-file", caps.toString()), "env");
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted " + yaml);
    }
}
