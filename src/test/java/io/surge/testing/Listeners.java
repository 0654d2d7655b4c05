package io.surge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;

/** Whether a local port can be reached from other machines: through every address of this one that is not loopback. */
public final class Listeners {

    private Listeners() {}

    /** This machine's addresses other machines could reach it by; none on a machine without a network. */
    public static List<InetAddress> externalAddresses() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress()
                        && address instanceof Inet4Address)
                .toList();
    }

    /** Fails when {@code port} accepts a connection on any of {@link #externalAddresses()}. */
    public static void assertLoopbackOnly(String what, int port) throws SocketException {
        for (InetAddress address : externalAddresses()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 1_000);
                throw new AssertionError(what + " (port " + port + ") accepts connections on " + address
                        + ", not only on loopback");
            } catch (ConnectException refused) {
                // what a loopback-only listener does
            } catch (IOException e) {
                assertThat(e).as(what + " on " + address).isInstanceOf(java.net.SocketTimeoutException.class);
            }
        }
    }
}
