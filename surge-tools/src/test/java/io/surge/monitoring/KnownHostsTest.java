package io.surge.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The name a Host header or a listen address gives, as the allow-lists of surge's servers compare them. */
class KnownHostsTest {

    @ParameterizedTest
    @CsvSource({
        "localhost:8090, localhost",
        "LocalHost, localhost",
        "127.0.0.1:8090, 127.0.0.1",
        "[::1]:8090, [::1]",
        "[::1], [::1]",
        "::1, [::1]",
        "map.example.com:443, map.example.com",
        "' map.example.com ', map.example.com",
        "Map.Example.com.:443, map.example.com",
        "localhost., localhost",
    })
    void withoutPortInLowerCase(String host, String name) {
        assertThat(KnownHosts.name(host)).isEqualTo(name);
    }
}
