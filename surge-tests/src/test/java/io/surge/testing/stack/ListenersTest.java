package io.surge.testing.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {

    @Test
    void findsWhereAProcessListensOnLoopbackAndOnEveryInterface() throws Exception {
        try (ServerSocket loopback = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ServerSocket everywhere = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            List<InetSocketAddress> listening = Listeners.listening(List.of(ProcessHandle.current()));
            assertThat(listening).contains(new InetSocketAddress("127.0.0.1", loopback.getLocalPort()));
            // Java listens on IPv6's wildcard, which takes IPv4 connections too
            assertThat(listening)
                    .filteredOn(address -> address.getPort() == everywhere.getLocalPort())
                    .singleElement()
                    .matches(address -> address.getAddress().isAnyLocalAddress());
        }
    }
}
