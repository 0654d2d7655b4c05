package io.surge.io.kafka;

import io.surge.io.TlsStores;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How every Kafka client of surge reaches and authenticates to the brokers: the source, the sinks, topic setup, the
 * traffic generator and the console.
 *
 * @param bootstrapServers host:port[,host:port...]
 * @param securityProtocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
 * @param saslMechanism SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN; used with a SASL protocol
 * @param username SASL user, or null without SASL
 * @param password SASL password; never logged, never in {@link #toString()}
 * @param tls the trust store and client certificate of the TLS protocols
 */
public record KafkaSettings(
        String bootstrapServers,
        String securityProtocol,
        String saslMechanism,
        String username,
        String password,
        TlsStores tls)
        implements Serializable {

    public static KafkaSettings plaintext(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, "PLAINTEXT", "SCRAM-SHA-512", null, null, TlsStores.JVM_DEFAULTS);
    }

    /** Whether clients log in with SASL, as opposed to anonymously or by their TLS certificate. */
    public boolean authenticates() {
        return securityProtocol.startsWith("SASL_");
    }

    public boolean encrypts() {
        return securityProtocol.endsWith("SSL");
    }

    /** The same connection as another SCRAM user. */
    public KafkaSettings as(String username, String password) {
        return new KafkaSettings(bootstrapServers, securityProtocol, saslMechanism, username, password, tls);
    }

    /** A client's own properties completed with those for bootstrap and authentication. */
    public Map<String, Object> clientProperties(Map<String, ?> own) {
        Map<String, Object> properties = new HashMap<>(own);
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Kafka 4's clients go back to the bootstrap servers after 5 min without a broker, and an admin client that
        // reaches none of them then does so in a busy loop, a core each for as long as the brokers are away: the
        // source's, surge's own, and those Flink's exactly-once sink writers open and never close. Without it they
        // retry the brokers they know at the reconnect backoff, as every client did before Kafka 3.8.
        properties.put(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
        if (authenticates()) {
            properties.put(SaslConfigs.SASL_MECHANISM, saslMechanism);
            // a JAAS entry per client, not a JVM-wide login file: jobs with different users can share a TaskManager
            properties.put(
                    SaslConfigs.SASL_JAAS_CONFIG,
                    loginModule() + " required username=\"" + quoted(username) + "\" password=\"" + quoted(password)
                            + "\";");
        }
        if (encrypts()) {
            properties.putAll(tls.kafkaProperties());
        }
        return properties;
    }

    public Map<String, Object> clientProperties() {
        return clientProperties(Map.of());
    }

    private String loginModule() {
        return saslMechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrap=" + bootstrapServers + ", protocol=" + securityProtocol
                + (authenticates() ? ", mechanism=" + saslMechanism + ", user=" + username + ", password=***" : "")
                + (encrypts() ? ", " + tls : "") + "]";
    }
}
