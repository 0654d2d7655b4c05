package io.surge.io.registry;

import io.surge.io.TlsStores;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach a Schema Registry that speaks Confluent's REST API.
 *
 * @param url base URL of the API, what a Confluent client takes as {@code schema.registry.url}
 * @param username basic-auth user, or null for none
 * @param password basic-auth password; never logged, never in {@link #toString()}
 * @param passwordFile the file the password was read from, or null: read again when the registry refuses it, so that
 *     a rotated password is picked up without a restart
 * @param tls the trust store and client certificate of an https:// registry
 * @param retryFor how long a call keeps retrying a registry that cannot be reached or answers 5xx
 */
public record RegistrySettings(
        String url, String username, String password, String passwordFile, TlsStores tls, Duration retryFor)
        implements Serializable {

    public static RegistrySettings of(String url) {
        return new RegistrySettings(url, null, null, null, TlsStores.JVM_DEFAULTS, Duration.ofSeconds(30));
    }

    /** The password as its file holds it now, or as given; the last one read when the file cannot be read. */
    String currentPassword() {
        if (passwordFile == null) {
            return password;
        }
        try {
            String read = Files.readString(Path.of(passwordFile)).replaceAll("[\\r\\n]+$", "");
            return read.isEmpty() ? password : read;
        } catch (IOException e) {
            return password;
        }
    }

    @Override
    public String toString() {
        return "RegistrySettings[url=" + url + ", user=" + (username == null ? "none" : username)
                + ", password=" + (password == null ? "none" : "***") + ", " + tls
                + ", retryFor=" + retryFor + "]";
    }
}
