package io.surge.testing.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Whether a local port can be reached from other machines: through every address of this one that is not loopback. */
public final class Listeners {

    private static final String LISTEN = "0A";

    private Listeners() {}

    /** This machine's addresses other machines could reach it by; none on a machine without a network. */
    public static List<InetAddress> externalAddresses() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress()
                        && address instanceof Inet4Address)
                .toList();
    }

    /** The addresses on which {@code processes} accept TCP connections, as Linux lists their sockets in /proc. */
    public static List<InetSocketAddress> listening(List<ProcessHandle> processes) throws IOException {
        Set<String> sockets = new HashSet<>();
        for (ProcessHandle process : processes) {
            Path fd = Path.of("/proc", String.valueOf(process.pid()), "fd");
            try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(fd)) {
                for (Path descriptor : descriptors) {
                    String target = readLink(descriptor);
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                }
            }
        }
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String row :
                    Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                String[] column = row.trim().split("\\s+");
                if (column[3].equals(LISTEN) && sockets.contains(column[9])) {
                    listening.add(address(column[1]));
                }
            }
        }
        return listening;
    }

    /** A descriptor's target, or "" for one closed meanwhile. */
    private static String readLink(Path descriptor) {
        try {
            return Files.readSymbolicLink(descriptor).toString();
        } catch (IOException closed) {
            return "";
        }
    }

    /** /proc/net/tcp's {@code ADDRESS:PORT}: the address in hex, each 32-bit word in the machine's (little) order. */
    private static InetSocketAddress address(String column) throws IOException {
        String[] parts = column.split(":");
        byte[] raw = HexFormat.of().parseHex(parts[0]);
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 2; i++) {
                byte swap = raw[word + i];
                raw[word + i] = raw[word + 3 - i];
                raw[word + 3 - i] = swap;
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(raw), Integer.parseInt(parts[1], 16));
    }

    /** Fails when {@code port} accepts a connection on any of {@link #externalAddresses()}. */
    public static void assertLoopbackOnly(String what, int port) throws SocketException {
        for (InetAddress address : externalAddresses()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 1_000);
                throw new AssertionError(
                        what + " (port " + port + ") accepts connections on " + address + ", not only on loopback");
            } catch (ConnectException refused) {
                // what a loopback-only listener does
            } catch (IOException e) {
                assertThat(e).as(what + " on " + address).isInstanceOf(java.net.SocketTimeoutException.class);
            }
        }
    }
}
