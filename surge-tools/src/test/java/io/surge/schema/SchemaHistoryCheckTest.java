package io.surge.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaHistoryCheckTest {

    private static final Path REPOSITORY_SCHEMAS = Path.of("schemas");

    @TempDir
    Path schemas;

    @BeforeEach
    void copyTheRepositorySchemas() throws IOException {
        Files.createDirectories(schemas.resolve("history"));
        for (Path dir : new Path[] {REPOSITORY_SCHEMAS, REPOSITORY_SCHEMAS.resolve("history")}) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".avsc")).toList()) {
                    Files.copy(
                            file,
                            schemas.resolve(REPOSITORY_SCHEMAS.relativize(file).toString()));
                }
            }
        }
    }

    @Test
    void theRepositorySchemasAreCompatibleWithTheirHistory() throws IOException {
        assertThat(SchemaHistoryCheck.check(REPOSITORY_SCHEMAS)).isEmpty();
        assertThat(Files.list(REPOSITORY_SCHEMAS.resolve("history")).count()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void addingAFieldWithADefaultIsCompatible() throws IOException {
        edit(
                "SurgeMultiplier.avsc",
                "{\"name\": \"demand\"",
                "{\"name\": \"surge_reason\", \"type\": \"string\", \"default\": \"\"},\n    {\"name\": \"demand\"");

        assertThat(SchemaHistoryCheck.check(schemas)).isEmpty();
    }

    @Test
    void addingAFieldWithoutADefaultFailsTheBuildNamingBothFiles() {
        edit(
                "SurgeMultiplier.avsc",
                "{\"name\": \"demand\"",
                "{\"name\": \"surge_reason\", \"type\": \"string\"},\n    {\"name\": \"demand\"");

        assertThatThrownBy(() -> SchemaHistoryCheck.main(new String[] {schemas.toString()}))
                .hasMessageContaining("SurgeMultiplier.avsc is not FULL_TRANSITIVE compatible with")
                .hasMessageContaining("history/SurgeMultiplier.v1.avsc")
                .hasMessageContaining("surge_reason")
                .hasMessageContaining("give every added field a default");
    }

    @Test
    void changingAFieldTypeIsIncompatibleWithEveryReleasedVersion() throws IOException {
        edit(
                "RideRequest.avsc",
                "{\"name\": \"lat\", \"type\": \"double\"",
                "{\"name\": \"lat\", \"type\": \"string\"");

        assertThat(SchemaHistoryCheck.check(schemas))
                .hasSize(2)
                .allSatisfy(problem ->
                        assertThat(problem).contains("RideRequest.avsc").contains("lat"));
    }

    @Test
    void removingAReleasedSchemaOrReleasingNoneIsAProblem() throws IOException {
        Files.delete(schemas.resolve("SurgeAlert.avsc"));
        Files.delete(schemas.resolve("history/DriverStatus.v1.avsc"));

        assertThat(SchemaHistoryCheck.check(schemas))
                .containsExactlyInAnyOrder(
                        schemas.resolve("history/SurgeAlert.v1.avsc") + ": io.surge.avro.SurgeAlert was released but"
                                + " is no longer in " + schemas
                                + "; a public schema cannot be removed while consumers may read it",
                        schemas.resolve("history/SurgeAlert.v2.avsc") + ": io.surge.avro.SurgeAlert was released but"
                                + " is no longer in " + schemas
                                + "; a public schema cannot be removed while consumers may read it",
                        schemas.resolve("DriverStatus.avsc") + ": no released version of io.surge.avro.DriverStatus"
                                + " under " + schemas.resolve("history")
                                + "; copy the schema there (e.g. DriverStatus.v1.avsc) when releasing it");
    }

    private void edit(String file, String from, String to) {
        try {
            Path path = schemas.resolve(file);
            String text = Files.readString(path);
            assertThat(text).contains(from);
            Files.writeString(path, text.replace(from, to));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
