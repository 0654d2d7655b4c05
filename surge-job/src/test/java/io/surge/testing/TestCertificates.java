package io.surge.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of a test's own, and the certificates it signs, made with the JDK's {@code keytool} as an
 * operator makes them: PKCS12 stores in one directory, all opened by {@link #PASSWORD}.
 */
public final class TestCertificates {

    // random, so that finding it in a log cannot be a coincidence
    public static final String PASSWORD = "store-" + UUID.randomUUID();

    private static final String KEYTOOL =
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

    private final Path directory;

    private TestCertificates(Path directory) {
        this.directory = directory;
    }

    /** A new CA named {@code name}, its key and trust store in {@code directory}. */
    public static TestCertificates authority(Path directory, String name) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        TestCertificates ca = new TestCertificates(directory);
        ca.keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                ca.file("ca.p12"));
        ca.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.file("ca.p12"), "-file", ca.file("ca.pem"));
        ca.keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                ca.file("ca.pem"),
                "-keystore",
                ca.file("truststore.p12"));
        return ca;
    }

    /** A trust store holding this CA's certificate alone. */
    public String trustStore() {
        return file("truststore.p12");
    }

    /**
     * A key store holding a new key and its certificate chain, signed by this CA; the same store for the same subject.
     *
     * @param subject the certificate's common name, such as a client's user
     * @param host the DNS name the certificate is for, as servers need; null for a client's
     */
    public String issue(String subject, String host) throws IOException, InterruptedException {
        String keyStore = file(subject + ".p12");
        if (Files.exists(Path.of(keyStore))) {
            return keyStore;
        }
        keytool(
                "-genkeypair",
                "-alias",
                subject,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + subject,
                "-validity",
                "2",
                "-keystore",
                keyStore);
        keytool("-certreq", "-alias", subject, "-keystore", keyStore, "-file", file(subject + ".csr"));
        List<String> sign = new ArrayList<>(List.of(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                file("ca.p12"),
                "-infile",
                file(subject + ".csr"),
                "-outfile",
                file(subject + ".pem"),
                "-validity",
                "2",
                "-ext",
                "eku=serverAuth,clientAuth"));
        if (host != null) {
            sign.addAll(List.of("-ext", "san=dns:" + host));
        }
        keytool(sign.toArray(String[]::new));
        // the chain is built from the store's own CA entry
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", keyStore);
        keytool("-importcert", "-alias", subject, "-file", file(subject + ".pem"), "-keystore", keyStore);
        return keyStore;
    }

    private String file(String name) {
        return directory.resolve(name).toString();
    }

    private void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(KEYTOOL, "-storetype", "PKCS12", "-storepass", PASSWORD));
        command.addAll(1, List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool did not finish within 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
        }
    }
}
