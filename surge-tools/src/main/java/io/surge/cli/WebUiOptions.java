package io.surge.cli;

import io.surge.config.ConfigException;
import io.surge.embedded.FreePort;
import io.surge.monitoring.ReadOnlyWebUi;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** {@code --rest-host}: where the command's own Flink's web UI and REST API are published, read-only. */
final class WebUiOptions {

    @Option(
            names = "--rest-host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "The address Flink's web UI and REST API listen on: ${DEFAULT-VALUE}, this machine only, by"
                    + " default. Read-only, without authentication: see docs/security.md before opening it.")
    String host;

    @Option(
            names = "--rest-allowed-host",
            paramLabel = "NAME",
            description = "A name (or address) browsers reach the web UI by, besides --rest-host and loopback's"
                    + " names; repeat for more. Requests naming another host are refused (DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    /** Runs Flink's web UI on a loopback port of its own and publishes it read-only on {@code port} (0: a free one). */
    ReadOnlyWebUi serve(Configuration flink, int port, PrintWriter out) {
        int flinkPort = FreePort.pick();
        ReadOnlyWebUi.closeFlinksListeners(flink, flinkPort);
        ReadOnlyWebUi ui;
        try {
            ui = new ReadOnlyWebUi(flinkPort, host, port, allowedHosts);
        } catch (IOException e) {
            throw ConfigException.cannotListen(
                    "the Flink web UI", host, port, e, "choose another --rest-port, or check --rest-host");
        }
        out.println("Flink web UI: " + url(ui));
        out.flush();
        return ui;
    }

    /** Where this machine's browser opens the web UI. */
    String url(ReadOnlyWebUi ui) {
        return Listening.url(host, ui.port());
    }
}
