package io.surge.io;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.SslConfigs;

/**
 * What a TLS client of surge trusts, and the certificate it shows when the server asks for one (mutual TLS). The
 * stores are PKCS12 or JKS files, named by path as text: the settings travel inside the job ({@link java.nio.file.Path}
 * is not serializable), so a path must name the file on every machine that runs the job.
 *
 * @param trustStore the CAs to trust, or null for the JVM's default trust
 * @param trustStorePassword its password, or null
 * @param keyStore the client's private key and certificate chain, or null to show none
 * @param keyStorePassword its password, also the key's (as PKCS12 stores have it), or null
 */
public record TlsStores(String trustStore, String trustStorePassword, String keyStore, String keyStorePassword)
        implements Serializable {

    /** The alerts a server sends when it will not take the client's certificate. */
    private static final Pattern CERTIFICATE_ALERT = Pattern.compile("Received fatal alert: (bad_certificate"
            + "|certificate_required|unknown_ca|certificate_unknown|certificate_expired|certificate_revoked"
            + "|unsupported_certificate|access_denied)");

    /** The JVM's default trust, and no client certificate. */
    public static final TlsStores JVM_DEFAULTS = new TlsStores(null, null, null, null);

    /** An SSL context with these stores, for the JDK's HTTP client; the JVM's defaults where a store is null. */
    public SSLContext sslContext() throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = null;
        if (trustStore != null) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(trustStore, trustStorePassword));
        }
        KeyManagerFactory keys = null;
        if (keyStore != null) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keyStore, keyStorePassword), chars(keyStorePassword));
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return context;
    }

    /**
     * The same stores as a Kafka client's properties. Host name verification is left at Kafka's default, on: a
     * broker must show a certificate for the name the client connects to.
     */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> properties = new HashMap<>();
        if (trustStore != null) {
            properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustStore);
            putIfSet(properties, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, trustStorePassword);
        }
        if (keyStore != null) {
            properties.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore);
            putIfSet(properties, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keyStorePassword);
            putIfSet(properties, SslConfigs.SSL_KEY_PASSWORD_CONFIG, keyStorePassword);
        }
        return properties;
    }

    /**
     * What to fix when {@code failure} came from a TLS handshake with {@code server} that these stores set up, or null
     * when it did not, or failed for a reason no store explains (a connection dropped midway, say).
     *
     * @param optionPrefix the options' common start, so that {@code optionPrefix + "truststore"} names the trust store
     */
    public String handshakeFix(Throwable failure, String server, String optionPrefix) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof CertificateException
                    && (message.contains("subject alternative") || message.contains("No name matching"))) {
                return server + "'s certificate does not name the host surge connects to (" + message
                        + "): connect by a name the certificate holds; surge keeps host name verification on";
            }
            if (cause instanceof CertificateExpiredException
                    || cause instanceof CertificateNotYetValidException
                    || (cause instanceof CertPathValidatorException invalid
                            && (invalid.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                                    || invalid.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID))) {
                return server + "'s certificate is expired or not yet valid (" + message
                        + "): renew it on the server, or check this machine's clock";
            }
            if (cause instanceof CertPathValidatorException || cause instanceof CertPathBuilderException) {
                return server + "'s certificate is not signed by a CA that "
                        + (trustStore == null ? "the JVM trusts" : trustStore + " holds") + ": set " + optionPrefix
                        + "truststore to a trust store holding the CA that signed it";
            }
            if (cause instanceof SSLException && message.contains("Unsupported or unrecognized SSL message")) {
                return server + " does not answer in TLS there (" + message + "): check that the address is a TLS"
                        + " listener";
            }
            if (cause instanceof SSLException
                    && CERTIFICATE_ALERT.matcher(message).find()) {
                return server + " ended the TLS handshake (" + message + "), as a server does that requires a"
                        + " client certificate and was shown "
                        + (keyStore == null ? "none" : "one it does not trust, from " + keyStore) + ": set "
                        + optionPrefix + "keystore to a key store whose certificate a CA trusted by " + server
                        + " signed";
            }
        }
        return null;
    }

    /** Opens a store whatever its type (PKCS12 or JKS), as Kafka's clients do with their default store type. */
    public static KeyStore load(String path, String password) throws IOException, GeneralSecurityException {
        return KeyStore.getInstance(new File(path), chars(password));
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    private static void putIfSet(Map<String, Object> properties, String key, String value) {
        if (value != null) {
            properties.put(key, value);
        }
    }

    @Override
    public String toString() {
        return "TlsStores[trustStore=" + (trustStore == null ? "JVM default" : trustStore) + ", keyStore="
                + (keyStore == null ? "none" : keyStore) + "]";
    }
}
