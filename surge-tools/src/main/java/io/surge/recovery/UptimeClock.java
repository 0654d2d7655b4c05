package io.surge.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Milliseconds of a clock that nobody sets and that runs on while the machine is suspended: Linux's time since boot
 * ({@code /proc/uptime}); elsewhere the JVM's monotonic clock, which stands still while the machine sleeps. The wall
 * clock would count a suspend too, but NTP and administrators step it.
 */
final class UptimeClock {

    private static final Path UPTIME = Path.of("/proc/uptime");
    private static final boolean LINUX = Files.isReadable(UPTIME);

    private UptimeClock() {}

    static long millis() {
        if (!LINUX) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        }
        try {
            // "<seconds since boot> <idle seconds>", to the hundredth
            String sinceBoot = Files.readString(UPTIME).split(" ", 2)[0];
            return Math.round(Double.parseDouble(sinceBoot) * 1000);
        } catch (IOException e) {
            throw new UncheckedIOException(UPTIME + " could not be read after it could", e);
        }
    }
}
