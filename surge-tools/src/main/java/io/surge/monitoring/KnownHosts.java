package io.surge.monitoring;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names a server of surge's is reached by, which a request's Host header must carry: loopback's, the address it
 * listens on, and those the operator adds. A page of another site that has its own name resolve to this machine (DNS
 * rebinding) sends that name, and is refused, so that it cannot read what the server shows.
 */
public final class KnownHosts {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> names;
    private final String option;

    /**
     * @param listenAddress the address the server listens on
     * @param added further names or addresses browsers use
     * @param option the option that adds one, for the refusal's message
     */
    public KnownHosts(String listenAddress, Collection<String> added, String option) {
        Set<String> known = new HashSet<>(LOOPBACK);
        // a wildcard address is where it listens, never a name a browser sends
        if (!Set.of("0.0.0.0", "[::]").contains(name(listenAddress))) {
            known.add(name(listenAddress));
        }
        added.forEach(host -> known.add(name(host)));
        this.names = Set.copyOf(known);
        this.option = option;
    }

    /** Answers 403 to a request for another host and returns false; true for a request it may answer. */
    public boolean admit(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host != null && names.contains(name(host))) {
            return true;
        }
        byte[] reason = ("This server answers requests for " + new TreeSet<>(names) + " only"
                        + (host == null
                                ? ""
                                : "; to reach it as " + name(host) + ", start it with " + option + " " + name(host))
                        + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ReverseProxy.respond(exchange, 403, reason);
        return false;
    }

    /**
     * A Host header's or an address's name, without a port or a trailing dot (the root), in lower case:
     * {@code [::1]:8090} is {@code [::1]}, {@code Map.Example.com.:443} is {@code map.example.com}.
     */
    static String name(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT).replaceFirst("\\.(?=(:\\d*)?$)", "");
        if (name.startsWith("[")) {
            return name.substring(0, name.indexOf(']') + 1);
        }
        int colon = name.indexOf(':');
        if (colon >= 0 && colon == name.lastIndexOf(':')) {
            return name.substring(0, colon);
        }
        // an IPv6 address as a listen address has no brackets
        return colon >= 0 ? "[" + name + "]" : name;
    }
}
