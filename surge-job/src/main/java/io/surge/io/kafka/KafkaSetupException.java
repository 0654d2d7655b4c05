package io.surge.io.kafka;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/** Kafka cannot be reached, refuses surge's credentials, or is set up in a way the job cannot run with. */
public final class KafkaSetupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KafkaSetupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What to check when a call to Kafka failed with {@code failure}. */
    public static String fix(KafkaSettings kafka, Exception failure) {
        if (kafka.encrypts()) {
            String tls = kafka.tls().handshakeFix(failure, "the broker", "kafka.ssl.");
            if (tls != null) {
                return tls;
            }
            if (failure.getCause() instanceof SslAuthenticationException) {
                return "the TLS handshake with the broker failed: check kafka.ssl.truststore, kafka.ssl.keystore"
                        + " and that kafka.bootstrap names the broker's TLS listener";
            }
        }
        if (failure.getCause() instanceof SaslAuthenticationException) {
            return "the broker refused user '" + kafka.username() + "' with " + kafka.saslMechanism()
                    + ": check kafka.sasl.username, kafka.sasl.password and kafka.sasl.mechanism";
        }
        if (failure.getCause() instanceof AuthorizationException) {
            return (kafka.username() == null ? "this client" : "user '" + kafka.username() + "'") + " is not allowed"
                    + " this on the broker: grant it the ACLs docs/rules.md lists (\"Who may change the rules\" for the"
                    + " rules topic)";
        }
        if (!kafka.authenticates()) {
            return "check kafka.bootstrap and that the broker is up; if it requires authentication, set"
                    + " kafka.security-protocol, kafka.sasl.username and kafka.sasl.password-file";
        }
        return "check kafka.bootstrap, kafka.security-protocol and that the broker is up";
    }
}
