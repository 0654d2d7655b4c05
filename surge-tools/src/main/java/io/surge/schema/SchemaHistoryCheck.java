package io.surge.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParseException;

/**
 * Keeps {@code schemas/} a contract: every schema there must be FULL_TRANSITIVE compatible with each released version
 * kept under {@code schemas/history/}, that is, readers of the new schema read data written with every old one and
 * readers of every old one read data written with the new. Schemas are matched by full name, so a history file may be
 * called anything ending in {@code .avsc} (by convention {@code Name.vN.avsc}). The build runs this after compiling
 * and stops on any problem.
 */
public final class SchemaHistoryCheck {

    private SchemaHistoryCheck() {}

    public static void main(String[] args) throws IOException {
        Path schemas = Path.of(args.length > 0 ? args[0] : "schemas").normalize();
        List<String> problems = check(schemas);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "schema compatibility check failed:\n  - " + String.join("\n  - ", problems));
        }
        System.out.println("schemas in " + schemas + " are FULL_TRANSITIVE compatible with schemas/history/");
    }

    /** Returns one sentence per problem found, naming the files and the fix; empty when all is well. */
    public static List<String> check(Path schemasDir) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, SchemaFile> current = new TreeMap<>();
        for (SchemaFile file : parseAll(schemasDir, problems)) {
            current.put(file.schema().getFullName(), file);
        }
        Path historyDir = schemasDir.resolve("history");
        List<SchemaFile> released = Files.isDirectory(historyDir) ? parseAll(historyDir, problems) : List.of();

        for (SchemaFile now : current.values()) {
            String name = now.schema().getFullName();
            if (released.stream().noneMatch(old -> old.schema().getFullName().equals(name))) {
                problems.add(now.path() + ": no released version of " + name + " under " + historyDir
                        + "; copy the schema there (e.g. " + now.schema().getName() + ".v1.avsc) when releasing it");
            }
        }
        for (SchemaFile old : released) {
            SchemaFile now = current.get(old.schema().getFullName());
            if (now == null) {
                problems.add(old.path() + ": " + old.schema().getFullName() + " was released but is no longer in "
                        + schemasDir + "; a public schema cannot be removed while consumers may read it");
                continue;
            }
            describe(now.schema(), old.schema(), "read data written with", now.path(), old.path(), problems);
            describe(old.schema(), now.schema(), "be read by consumers still on", now.path(), old.path(), problems);
        }
        return problems;
    }

    private record SchemaFile(Path path, Schema schema) {}

    private static void describe(
            Schema reader, Schema writer, String relation, Path currentFile, Path oldFile, List<String> problems) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        String reasons = result.getResult().getIncompatibilities().stream()
                .map(i -> "field " + fieldAt(reader, i.getLocation()) + ": " + i.getMessage())
                .collect(Collectors.joining("; "));
        boolean newIsReader = relation.startsWith("read");
        problems.add(currentFile + " is not FULL_TRANSITIVE compatible with " + oldFile + ": the new schema cannot "
                + relation + " the old one (" + reasons + "). Fix: "
                + (newIsReader
                        ? "give every added field a default and keep the type of existing fields"
                        : "keep every field the old schema lacks a default for, with its type")
                + "; a breaking change needs a new topic.");
    }

    /** Turns Avro's JSON-pointer location, such as {@code /fields/2/type}, into a field path such as {@code lat}. */
    private static String fieldAt(Schema schema, String location) {
        List<String> names = new ArrayList<>();
        String[] steps = location.split("/");
        Schema at = schema;
        for (int i = 0; i < steps.length; i++) {
            if (steps[i].equals("fields") && i + 1 < steps.length && at.getType() == Schema.Type.RECORD) {
                Schema.Field field = at.getFields().get(Integer.parseInt(steps[++i]));
                names.add(field.name());
                at = field.schema();
            }
        }
        return names.isEmpty() ? "(the record itself)" : String.join(".", names);
    }

    private static List<SchemaFile> parseAll(Path dir, List<String> problems) throws IOException {
        List<SchemaFile> files = new ArrayList<>();
        for (Path file : avscFiles(dir)) {
            Schema schema = parse(file, problems);
            if (schema != null) {
                files.add(new SchemaFile(file, schema));
            }
        }
        return files;
    }

    private static List<Path> avscFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
        }
    }

    /** Each file gets its own parser: old and new versions share a name, which one parser would reject. */
    private static Schema parse(Path file, List<String> problems) throws IOException {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (SchemaParseException e) {
            problems.add(file + ": not a valid Avro schema: " + e.getMessage());
            return null;
        }
    }
}
