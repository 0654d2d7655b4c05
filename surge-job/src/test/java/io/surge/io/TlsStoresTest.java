package io.surge.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** What a failed TLS handshake is put down to, from the exceptions the JDK raises for each cause. */
class TlsStoresTest {

    private static final TlsStores STORES = new TlsStores("/run/secrets/ca.p12", "p", null, null);

    @Test
    void eachCertificateProblemNamesWhatToFix() {
        assertThat(fix(handshake("PKIX path building failed", new CertPathBuilderException("no path"))))
                .startsWith("the broker's certificate is not signed by a CA that /run/secrets/ca.p12 holds")
                .endsWith("set kafka.ssl.truststore to a trust store holding the CA that signed it");
        assertThat(fix(handshake(
                        "PKIX path validation failed",
                        new CertPathValidatorException(
                                "validity check failed",
                                null,
                                null,
                                -1,
                                CertPathValidatorException.BasicReason.EXPIRED))))
                .startsWith("the broker's certificate is expired or not yet valid")
                .endsWith("renew it on the server, or check this machine's clock");
        assertThat(fix(handshake("expired", new CertificateExpiredException("NotAfter: Tue Dec 01"))))
                .startsWith("the broker's certificate is expired or not yet valid");
        assertThat(fix(handshake("no SAN", new CertificateException("No subject alternative names present"))))
                .startsWith("the broker's certificate does not name the host surge connects to");
        assertThat(fix(new SSLHandshakeException("Received fatal alert: certificate_required")))
                .contains("was shown none: set kafka.ssl.keystore");
        assertThat(fix(new SSLException("Unsupported or unrecognized SSL message")))
                .startsWith("the broker does not answer in TLS there");
    }

    @Test
    void aDroppedConnectionIsNoStoresFault() {
        assertThat(fix(new SSLHandshakeException("Remote host terminated the handshake")))
                .isNull();
        assertThat(fix(new IOException("Connection reset"))).isNull();
    }

    private static String fix(Exception failure) {
        return STORES.handshakeFix(new RuntimeException("wrapped", failure), "the broker", "kafka.ssl.");
    }

    private static SSLHandshakeException handshake(String message, Exception cause) {
        SSLHandshakeException handshake = new SSLHandshakeException(message);
        handshake.initCause(cause);
        return handshake;
    }
}
