package io.surge.alerts;

import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import io.surge.avro.Severity;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.util.TimeUtils;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads alert rules from YAML files and checks them completely, so that a rule that loads also runs: every key known,
 * every condition type-checked against the input's fields and the earlier steps, every summary placeholder
 * resolvable. Errors name the file, the line and the fix.
 */
public final class RuleParser {

    private static final Set<String> RULE_KEYS = Set.of(
            "name",
            "input",
            "filter",
            "steps",
            "within",
            "severity",
            "summary",
            "resolve-after",
            "cooldown",
            "after-match");
    private static final Set<String> STEP_KEYS = Set.of("name", "where", "contiguity", "times", "at-least", "distinct");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern STEP_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.ya?ml");

    /** The most rule files a set may hold: each rule costs every zone of its input work on every record. */
    public static final int MAX_RULES = 100;
    /** The longest rule file, in characters; the shipped ones are under 2,000. */
    public static final int MAX_FILE_CHARS = 64 * 1024;
    /**
     * The longest {@code resolve-after}: an episode open longer hides the rule's next incident in the zone for longer
     * than a rollback can undo it.
     */
    public static final Duration MAX_RESOLVE_AFTER = Duration.ofDays(1);
    /**
     * The most records a rule on zone events may wait for times its {@code within} in seconds: a partial match starts
     * at each record and holds up to that many, so a zone's work per record grows with both (driver-exodus: 5 in 10 s
     * is 50).
     */
    public static final long MAX_RECORD_SECONDS = 3_600;

    private RuleParser() {}

    /** Every {@code *.yaml} / {@code *.yml} rule in the directory, in file-name order. */
    public static List<AlertRule> parseDirectory(Path dir) {
        Map<String, String> files = readDirectory(dir);
        return parseFiles(files, name -> dir.resolve(name));
    }

    /**
     * The text of every {@code *.yaml} / {@code *.yml} file of a rule directory, by file name, in file-name order:
     * what a rule set version carries.
     */
    public static Map<String, String> readDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RuleException(dir, 0, "not a directory of alert rules; point alerts.dir at one");
        }
        Map<String, String> texts = new TreeMap<>();
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.filter(RuleParser::isRuleFile).toList()) {
                texts.put(file.getFileName().toString(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new RuleException(dir, 0, "cannot read the directory: " + e.getMessage());
        }
        return texts;
    }

    /**
     * The rules of a set of rule files, each checked completely and their names unique.
     *
     * @param texts each file's text by file name
     * @param origin where a file name came from, for the messages (a path, or a rule set version)
     */
    public static List<AlertRule> parseFiles(Map<String, String> texts, Function<String, Path> origin) {
        for (String name : texts.keySet()) {
            if (!FILE_NAME.matcher(name).matches()) {
                throw new RuleException(
                        origin.apply(""),
                        0,
                        "a rule file's name must be"
                                + " letters, digits, '.', '_' or '-' ending in .yaml or .yml, at most 105 characters; one is "
                                + quoted(name));
            }
        }
        if (texts.size() > MAX_RULES) {
            throw new RuleException(
                    origin.apply(""),
                    0,
                    texts.size() + " rule files," + " more than the " + MAX_RULES
                            + " a rule set may hold; merge or drop rules");
        }
        List<AlertRule> rules = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : new TreeMap<>(texts).entrySet()) {
            Path path = origin.apply(file.getKey());
            AlertRule rule = parse(path, file.getValue());
            Path other = seen.putIfAbsent(rule.name(), path);
            if (other != null) {
                throw new RuleException(
                        path,
                        1,
                        "rule name '" + rule.name() + "' is already used by " + other + "; rule names must be unique");
            }
            rules.add(rule);
        }
        return rules;
    }

    public static AlertRule parse(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new RuleException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    /** @param file where the text came from, for the messages */
    public static AlertRule parse(Path file, String text) {
        if (text.length() > MAX_FILE_CHARS) {
            throw new RuleException(
                    file, 0, text.length() + " characters, more than the " + MAX_FILE_CHARS + " a rule file may hold");
        }
        Node root;
        try {
            root = new Yaml(loaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw new RuleException(file, e.getProblemMark().getLine() + 1, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            // the loader's own bounds (aliases, nesting) and anything else it refuses, without a position
            throw new RuleException(file, 1, "not a usable rule file: " + e.getMessage());
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new RuleException(
                    file,
                    root == null ? 1 : line(root),
                    "a rule file holds one mapping of keys" + " (name, input, steps, within, ...)");
        }
        return new FileParser(file).rule(mapping);
    }

    /** A rule file is a small mapping: aliases and deep nesting are refused before they can cost anything. */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setNestingDepthLimit(10);
        options.setCodePointLimit(MAX_FILE_CHARS);
        options.setAllowRecursiveKeys(false);
        return options;
    }

    /** A name as it may be printed: control characters shown as escapes, at most 120 characters of it. */
    static String quoted(String name) {
        StringBuilder out = new StringBuilder("'");
        name.codePoints()
                .limit(120)
                .forEach(c ->
                        out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.append(name.length() > 120 ? "...'" : "'").toString();
    }

    private static boolean isRuleFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** Parsing state of one file: every error carries its path. */
    private record FileParser(Path file) {

        AlertRule rule(MappingNode root) {
            Map<String, NodeTuple> keys = keys(root, RULE_KEYS, "rule");
            String name = text(keys, "name", root);
            RuleInput input = input(keys, root);
            String filter = keys.containsKey("filter") ? text(keys, "filter", root) : null;
            if (filter != null) {
                checkCondition(input, List.of(), filter, keys.get("filter").getValueNode());
            }
            List<RuleStep> steps = steps(keys, root, input);
            Duration within = duration(
                    keys,
                    "within",
                    root,
                    null,
                    "every rule needs a time bound, e.g. 'within: 30s'; it bounds how long partial matches are"
                            + " kept");
            if (within.compareTo(AlertRule.MAX_WITHIN) > 0) {
                throw error(
                        keys.get("within").getValueNode(),
                        "'within' is " + TimeUtils.formatWithHighestUnit(within)
                                + ", above the longest a rule may wait, "
                                + TimeUtils.formatWithHighestUnit(AlertRule.MAX_WITHIN)
                                + ": every zone keeps its records and partial matches that long");
            }
            Duration resolveAfter = resolveAfter(keys, root, within);
            if (input == RuleInput.ZONE_EVENTS) {
                int most = steps.stream().mapToInt(RuleStep::times).max().orElse(1);
                if (most * within.toMillis() > MAX_RECORD_SECONDS * 1000) {
                    throw error(
                            keys.get("within").getValueNode(),
                            "waits for " + most + " records within "
                                    + TimeUtils.formatWithHighestUnit(within) + ": " + most + " x "
                                    + within.toMillis() / 1000.0
                                    + " s is above " + MAX_RECORD_SECONDS
                                    + ", the most a rule on zone events may cost each"
                                    + " zone; shorten 'within' or ask for fewer records");
                }
            }
            Severity severity = choice(keys, "severity", root, Severity.class, Severity.WARNING);
            AlertRule.AfterMatch afterMatch = afterMatch(keys, root);
            String summary = text(keys, "summary", root);
            checkSummary(summary, input, steps, keys.get("summary").getValueNode());
            return new AlertRule(name, input, filter, steps, within, severity, summary, resolveAfter, afterMatch);
        }

        /**
         * {@code resolve-after}, or {@code cooldown}, its name from before episodes (a match within the cooldown of
         * the previous one was the same incident, which is what an open episode is), or else {@code within}.
         */
        private Duration resolveAfter(Map<String, NodeTuple> keys, MappingNode root, Duration within) {
            if (keys.containsKey("resolve-after") && keys.containsKey("cooldown")) {
                throw error(
                        keys.get("cooldown").getKeyNode(),
                        "'cooldown' is the older name of 'resolve-after';" + " keep one of them");
            }
            String key = keys.containsKey("cooldown") ? "cooldown" : "resolve-after";
            Duration resolveAfter = duration(keys, key, root, Duration.ZERO, null);
            if (resolveAfter.isZero()) {
                if (key.equals("resolve-after") && keys.containsKey(key)) {
                    throw error(
                            keys.get(key).getValueNode(),
                            "'resolve-after' is 0; an episode ends once the rule"
                                    + " has not matched for this long, write it like 30s or 5min, or leave it out for the"
                                    + " rule's 'within'");
                }
                return within;
            }
            if (resolveAfter.compareTo(MAX_RESOLVE_AFTER) > 0) {
                throw error(
                        keys.get(key).getValueNode(),
                        "'" + key + "' is "
                                + TimeUtils.formatWithHighestUnit(resolveAfter) + ", above the longest, "
                                + TimeUtils.formatWithHighestUnit(MAX_RESOLVE_AFTER)
                                + ": an episode open longer hides the"
                                + " rule's next incident in the zone longer than the rollback that should end it");
            }
            return resolveAfter;
        }

        private List<RuleStep> steps(Map<String, NodeTuple> keys, MappingNode root, RuleInput input) {
            NodeTuple tuple = keys.get("steps");
            if (tuple == null) {
                throw error(root, "missing 'steps': a rule needs at least one step with a name and a 'where'");
            }
            if (!(tuple.getValueNode() instanceof SequenceNode sequence)
                    || sequence.getValue().isEmpty()) {
                throw error(tuple.getValueNode(), "'steps' must be a list of steps, each with a name and a 'where'");
            }
            List<RuleStep> steps = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Node node : sequence.getValue()) {
                if (!(node instanceof MappingNode stepNode)) {
                    throw error(node, "a step is a mapping with 'name' and 'where'");
                }
                Map<String, NodeTuple> stepKeys = keys(stepNode, STEP_KEYS, "step");
                String name = text(stepKeys, "name", stepNode);
                if (!STEP_NAME.matcher(name).matches() || input.fields().containsKey(name)) {
                    throw error(
                            stepKeys.get("name").getValueNode(),
                            "step name '" + name + "' must be lower case"
                                    + " letters, digits and _ , and not a field name");
                }
                if (names.contains(name)) {
                    throw error(stepKeys.get("name").getValueNode(), "step name '" + name + "' is used twice");
                }
                String where = text(stepKeys, "where", stepNode);
                checkCondition(input, names, where, stepKeys.get("where").getValueNode());
                boolean strict = contiguity(stepKeys, stepNode, steps.isEmpty());
                if (stepKeys.containsKey("times") && stepKeys.containsKey("at-least")) {
                    throw error(stepNode, "a step takes 'times' or 'at-least', not both");
                }
                boolean orMore = stepKeys.containsKey("at-least");
                int times = count(stepKeys, orMore ? "at-least" : "times", stepNode);
                String distinct = stepKeys.containsKey("distinct") ? text(stepKeys, "distinct", stepNode) : null;
                if (distinct != null && !input.fields().containsKey(distinct)) {
                    throw error(
                            stepKeys.get("distinct").getValueNode(),
                            "unknown field '" + distinct + "' for" + " 'distinct'; " + input.wireName() + " has "
                                    + fieldList(input));
                }
                steps.add(new RuleStep(name, where, strict, times, orMore, distinct));
                names.add(name);
            }
            return steps;
        }

        private void checkCondition(RuleInput input, List<String> earlierSteps, String expression, Node node) {
            try {
                RuleExpressions.check(input, earlierSteps, expression);
            } catch (CelValidationException e) {
                CelIssue issue = e.getErrors().get(0);
                int line = line(node) + Math.max(0, issue.getSourceLocation().getLine() - 1);
                throw new RuleException(
                        file,
                        line,
                        "in '" + expression.strip() + "': " + explain(issue.getMessage(), input, earlierSteps));
            }
        }

        private String explain(String celMessage, RuleInput input, List<String> earlierSteps) {
            Matcher undeclared =
                    Pattern.compile("undeclared reference to '([^']*)'").matcher(celMessage);
            if (undeclared.find()) {
                String reference = undeclared.group(1);
                String known = "fields of " + input.wireName() + ": " + fieldList(input)
                        + (earlierSteps.isEmpty()
                                ? "; no earlier step to refer to"
                                : "; earlier steps: " + String.join(", ", earlierSteps) + " (as step.field)");
                return "unknown name '" + reference + "'; " + known;
            }
            if (celMessage.contains("no matching overload")) {
                return "type mismatch: " + celMessage + "; numbers are doubles (write 2.0 rather than 2 in"
                        + " arithmetic), text is quoted ('DRIVER_STATUS'), flags are true/false";
            }
            return celMessage;
        }

        private void checkSummary(String summary, RuleInput input, List<RuleStep> steps, Node node) {
            Matcher placeholder = PLACEHOLDER.matcher(summary);
            while (placeholder.find()) {
                String name = placeholder.group(1);
                if (SummaryTemplate.resolvable(name, input, steps)) {
                    continue;
                }
                throw error(
                        node,
                        "unknown placeholder {" + name + "} in the summary; use a field (" + fieldList(input)
                                + "), step.field, step.count or duration");
            }
        }

        private RuleInput input(Map<String, NodeTuple> keys, MappingNode root) {
            String raw = text(keys, "input", root);
            RuleInput input = RuleInput.byWireName(raw);
            if (input == null) {
                throw error(
                        keys.get("input").getValueNode(),
                        "unknown input '" + raw + "'; use "
                                + Arrays.stream(RuleInput.values())
                                        .map(RuleInput::wireName)
                                        .collect(Collectors.joining(" or ")));
            }
            return input;
        }

        private boolean contiguity(Map<String, NodeTuple> keys, MappingNode step, boolean first) {
            if (!keys.containsKey("contiguity")) {
                return false;
            }
            Node node = keys.get("contiguity").getValueNode();
            if (first) {
                throw error(node, "the first step has no previous step; 'contiguity' goes on later steps");
            }
            String raw = text(keys, "contiguity", step);
            return switch (raw) {
                case "next" -> true;
                case "followed-by" -> false;
                default -> throw error(node, "contiguity '" + raw + "' is not next or followed-by");
            };
        }

        private int count(Map<String, NodeTuple> keys, String key, MappingNode step) {
            if (!keys.containsKey(key)) {
                return 1;
            }
            String raw = text(keys, key, step);
            try {
                int count = Integer.parseInt(raw);
                if (count >= 1 && count <= 1000) {
                    return count;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(
                    keys.get(key).getValueNode(),
                    "'" + key + "' must be a whole number from 1 to 1000, was '" + raw + "'");
        }

        private Duration duration(
                Map<String, NodeTuple> keys, String key, MappingNode root, Duration fallback, String missing) {
            if (!keys.containsKey(key)) {
                if (fallback == null) {
                    throw error(root, "missing '" + key + "': " + missing);
                }
                return fallback;
            }
            String raw = text(keys, key, root);
            try {
                Duration duration = TimeUtils.parseDuration(raw);
                if (!duration.isNegative() && (fallback != null || !duration.isZero())) {
                    return duration;
                }
            } catch (RuntimeException e) {
                // reported below
            }
            throw error(
                    keys.get(key).getValueNode(),
                    "'" + key + "' is '" + raw + "', not a positive duration;" + " write it like 30s or 5min");
        }

        private <E extends Enum<E>> E choice(
                Map<String, NodeTuple> keys, String key, MappingNode root, Class<E> type, E fallback) {
            if (!keys.containsKey(key)) {
                return fallback;
            }
            String raw = text(keys, key, root);
            try {
                return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error(
                        keys.get(key).getValueNode(),
                        "'" + key + "' is '" + raw + "'; use one of " + Arrays.toString(type.getEnumConstants()));
            }
        }

        private AlertRule.AfterMatch afterMatch(Map<String, NodeTuple> keys, MappingNode root) {
            if (!keys.containsKey("after-match")) {
                return AlertRule.AfterMatch.SKIP_PAST_LAST_EVENT;
            }
            String raw = text(keys, "after-match", root);
            return Arrays.stream(AlertRule.AfterMatch.values())
                    .filter(a -> a.wireName().equals(raw))
                    .findFirst()
                    .orElseThrow(() -> error(
                            keys.get("after-match").getValueNode(),
                            "'after-match' is '" + raw + "'; use skip-past-last-event or no-skip"));
        }

        private Map<String, NodeTuple> keys(MappingNode node, Set<String> allowed, String what) {
            Map<String, NodeTuple> keys = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (NodeTuple tuple : node.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                    throw error(tuple.getKeyNode(), "keys must be plain words");
                }
                String key = keyNode.getValue();
                if (!allowed.contains(key)) {
                    throw error(
                            keyNode,
                            "unknown " + what + " key '" + key + "'; a " + what + " takes "
                                    + allowed.stream().sorted().collect(Collectors.joining(", ")));
                }
                if (!seen.add(key)) {
                    throw error(keyNode, "'" + key + "' is given twice");
                }
                keys.put(key, tuple);
            }
            return keys;
        }

        private String text(Map<String, NodeTuple> keys, String key, Node parent) {
            NodeTuple tuple = keys.get(key);
            if (tuple == null) {
                throw error(parent, "missing '" + key + "'");
            }
            if (!(tuple.getValueNode() instanceof ScalarNode scalar)
                    || scalar.getValue().isBlank()) {
                throw error(tuple.getValueNode(), "'" + key + "' must be a single non-empty value");
            }
            return scalar.getValue();
        }

        private RuleException error(Node node, String reason) {
            return new RuleException(file, line(node), reason);
        }

        private static String fieldList(RuleInput input) {
            return input.fields().keySet().stream().sorted().collect(Collectors.joining(", "));
        }
    }
}
