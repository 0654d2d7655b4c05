package io.surge.cli;

import io.surge.config.SurgeConfig;
import io.surge.dashboard.DashboardServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The live surge map for any surge deployment: it needs only the Kafka and registry its result topics are on. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description =
                "Serve the live map of zones and alerts, read from surge's result topics, until stopped" + " (Ctrl-C).")
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8090", description = "Port; 0 for a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on; the map is read-only, but shows your business: keep it local"
                    + " unless you mean to share it. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--allowed-host",
            paramLabel = "NAME",
            description = "A name (or address) browsers reach the map by, besides --host and this machine's loopback"
                    + " names; repeat for more. Requests naming another host are refused, so that no other site's"
                    + " page can read the map through its own name (DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        SurgeConfig surge = config.load();
        DashboardServer dashboard = DashboardServer.start(surge, host, port, allowedHosts);
        System.out.println("surge dashboard: " + dashboard.url() + " (reading "
                + surge.topics().multipliers() + " and " + surge.topics().alerts() + " at " + surge.bootstrapServers()
                + ")");
        System.out.flush();
        SurgeCli.runUntilStopped(dashboard, "the dashboard");
        return 0;
    }
}
