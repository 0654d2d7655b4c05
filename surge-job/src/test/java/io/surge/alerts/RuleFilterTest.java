package io.surge.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.surge.event.ZoneEvent;
import io.surge.testing.Events;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** A condition remembers outcomes per combination of the fields it reads, and so must decide exactly as CEL would. */
class RuleFilterTest {

    @Test
    void aFilterOnFewValuesDecidesEveryRecordAsItsConditionDoes() {
        assertSameDecisions(
                "kind == 'DRIVER_STATUS' && !available",
                event -> event.kind() == ZoneEvent.Kind.DRIVER_STATUS && !event.available());
    }

    @Test
    void aFilterOnFieldsOfManyValuesStillDecidesEachRecordOnItsOwnValues() {
        // driver ids and times take far more combinations than the filter remembers
        assertSameDecisions(
                "driver_id.endsWith('7') || event_time % 3 == 0 && zone_id != 'zone-1'",
                event -> event.driverId() != null && event.driverId().endsWith("7")
                        || event.eventTime() % 3 == 0 && !event.zoneId().equals("zone-1"));
    }

    private static void assertSameDecisions(String expression, Predicate<ZoneEvent> oracle) {
        RuleFilter<ZoneEvent> filter = new RuleFilter<>(RuleInput.ZONE_EVENTS, expression);
        Random random = new Random(7);
        int passed = 0;
        int events = 3 * RuleExpressions.Condition.REMEMBERED;
        for (int i = 0; i < events; i++) {
            String zone = "zone-" + random.nextInt(3);
            double seconds = random.nextInt(100_000) / 1000.0;
            ZoneEvent event = random.nextBoolean()
                    ? Events.ride(zone).at(seconds)
                    : Events.driver("driver-" + random.nextInt(5_000), zone, random.nextBoolean())
                            .at(seconds);
            boolean expected = oracle.test(event);
            assertThat(filter.filter(event)).as("%s on %s", expression, event).isEqualTo(expected);
            passed += expected ? 1 : 0;
        }
        assertThat(passed).as("records passed").isBetween(events / 10, events - events / 10);
    }
}
