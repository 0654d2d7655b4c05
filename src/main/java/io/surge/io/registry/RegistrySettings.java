package io.surge.io.registry;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach a Schema Registry that speaks Confluent's REST API.
 *
 * @param url base URL of the API, what a Confluent client takes as {@code schema.registry.url}
 * @param username basic-auth user, or null for none
 * @param password basic-auth password; never logged, never in {@link #toString()}
 * @param trustStore a PKCS12 or JKS trust store for TLS, or null for the JVM's default trust
 * @param trustStorePassword the trust store's password, or null
 * @param retryFor how long a call keeps retrying a registry that cannot be reached or answers 5xx
 */
public record RegistrySettings(
        String url, String username, String password, Path trustStore, String trustStorePassword, Duration retryFor)
        implements Serializable {

    public static RegistrySettings of(String url) {
        return new RegistrySettings(url, null, null, null, null, Duration.ofSeconds(30));
    }

    @Override
    public String toString() {
        return "RegistrySettings[url=" + url + ", user=" + (username == null ? "none" : username)
                + ", password=" + (password == null ? "none" : "***") + ", trustStore=" + trustStore
                + ", retryFor=" + retryFor + "]";
    }
}
