package io.surge.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;

/**
 * Rule files many times over, for measuring how surge scales with the number of rules: each rule, then variants of it
 * under other names with time bounds 10 % longer each and, for a repeated step, counts one to two higher, so that no
 * two rules are the same rule.
 */
public final class RuleVariants {

    private static final Pattern NAME = Pattern.compile("(?m)^name:\\s*(\\S+)");
    private static final Pattern WITHIN = Pattern.compile("(?m)^within:\\s*(\\S+)");
    private static final Pattern COUNT = Pattern.compile("(?m)^(\\s+(?:at-least|times):\\s*)(\\d+)");

    private RuleVariants() {}

    /**
     * @param files each rule file's text by file name, as read from a rules directory
     * @param times how many rules each file becomes: itself and {@code times - 1} variants
     */
    public static Map<String, String> of(Map<String, String> files, int times) {
        Map<String, String> all = new TreeMap<>();
        files.forEach((file, text) -> {
            all.put(file, text);
            for (int variant = 2; variant <= times; variant++) {
                all.put("v" + variant + "-" + file, variant(text, variant));
            }
        });
        return all;
    }

    private static String variant(String text, int variant) {
        String renamed = NAME.matcher(text).replaceFirst("name: $1-v" + variant);
        Matcher within = WITHIN.matcher(renamed);
        String timed = within.find()
                ? within.replaceFirst(
                        "within: " + longer(within.group(1), variant).toMillis() + "ms")
                : renamed;
        return COUNT.matcher(timed)
                .replaceAll(count -> count.group(1) + (Integer.parseInt(count.group(2)) + 1 + variant % 2));
    }

    private static Duration longer(String within, int variant) {
        return Duration.ofMillis(Math.round(TimeUtils.parseDuration(within).toMillis() * (1 + 0.1 * (variant - 1))));
    }
}
