package io.surge.alerts;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may deploy rules: the Ed25519 public keys whose signatures a job accepts on a rule set version, by key id. A
 * signature vouches for the version's files and who deployed it; not for its number, which is its position in the
 * topic, assigned after it is signed, nor for its effective time, which the job moves when a version arrives after
 * it. So whoever can write to the topic can at most bring back rules a trusted key signed. With no keys, anyone who
 * can write to the rules topic may deploy.
 *
 * @param keys each public key's X.509 encoding by its key id
 */
public record TrustedKeys(Map<String, byte[]> keys) implements Serializable {

    private static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /** Anyone who can write to the rules topic may deploy. */
    public static final TrustedKeys ANYONE = new TrustedKeys(Map.of());

    public TrustedKeys {
        keys = new TreeMap<>(keys);
    }

    /**
     * The public keys of a PEM text ({@code -----BEGIN PUBLIC KEY-----}, as {@code openssl pkey -pubout} writes
     * them), one or more.
     *
     * @throws IllegalArgumentException saying what the text lacks
     */
    public static TrustedKeys parse(String pem) {
        Map<String, byte[]> keys = new TreeMap<>();
        for (byte[] encoded : blocks(pem, "PUBLIC KEY")) {
            keys.put(keyId(publicKey(encoded)), encoded);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("it holds no -----BEGIN PUBLIC KEY----- block");
        }
        return new TrustedKeys(keys);
    }

    public boolean anyone() {
        return keys.isEmpty();
    }

    /**
     * Why the version may not be applied, or null when it may: version 0, the job's own directory, always may.
     */
    public String refusal(RuleSetVersion version) {
        if (anyone() || version.version() == 0) {
            return null;
        }
        if (version.keyId() == null || version.signature() == null) {
            return "it is not signed, and rules.trusted-keys lets only signed versions in; deploy it with"
                    + " surge rules deploy --key";
        }
        byte[] key = keys.get(version.keyId());
        if (key == null) {
            return "it is signed by key " + RuleParser.quoted(version.keyId()) + ", which is not in rules.trusted-keys";
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(publicKey(key));
            verifier.update(signedBytes(version));
            if (verifier.verify(Base64.getDecoder().decode(version.signature()))) {
                return null;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // a signature that is not one: refused below
        }
        return "its signature by key " + RuleParser.quoted(version.keyId()) + " does not match its contents";
    }

    /**
     * A deployer's key pair, from a PEM text holding its private key ({@code -----BEGIN PRIVATE KEY-----}, PKCS#8)
     * and its public key ({@code -----BEGIN PUBLIC KEY-----}), as {@code surge rules keygen} writes them.
     *
     * @throws IllegalArgumentException saying what the text lacks, or that the two keys are no pair
     */
    public static Signer signer(String pem) {
        List<byte[]> privates = blocks(pem, "PRIVATE KEY");
        List<byte[]> publics = blocks(pem, "PUBLIC KEY");
        if (privates.size() != 1 || publics.size() != 1) {
            throw new IllegalArgumentException("it holds " + privates.size() + " private and " + publics.size()
                    + " public keys; a deploy key holds one of each (surge rules keygen writes one)");
        }
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(privates.get(0)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("its private key is not an Ed25519 key (" + e.getMessage() + ")");
        }
        PublicKey publicKey = publicKey(publics.get(0));
        Signer signer = new Signer(key, keyId(publicKey));
        RuleSetVersion probe = new RuleSetVersion(1, 0, Map.of(), "probe", null, null);
        if (new TrustedKeys(Map.of(signer.keyId, publicKey.getEncoded())).refusal(signer.sign(probe)) != null) {
            throw new IllegalArgumentException("its public key is not the private key's");
        }
        return signer;
    }

    /** Signs versions with one private key, under the key id of its public key. */
    public static final class Signer {

        private final PrivateKey key;
        private final String keyId;

        private Signer(PrivateKey key, String keyId) {
            this.key = key;
            this.keyId = keyId;
        }

        public String keyId() {
            return keyId;
        }

        /** The version with this key's id and signature. */
        public RuleSetVersion sign(RuleSetVersion version) {
            try {
                Signature signature = Signature.getInstance(ALGORITHM);
                signature.initSign(key);
                signature.update(signedBytes(version));
                return version.signed(keyId, Base64.getEncoder().encodeToString(signature.sign()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 signing failed", e);
            }
        }
    }

    /** A new key pair as PEM: the private key, then the public key. */
    public static String generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return pem("PRIVATE KEY", pair.getPrivate().getEncoded())
                    + pem("PUBLIC KEY", pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    /** The public key block of a key pair's PEM, for {@code rules.trusted-keys}. */
    public static String publicPart(String pem) {
        List<byte[]> publics = blocks(pem, "PUBLIC KEY");
        if (publics.size() != 1) {
            throw new IllegalArgumentException("it holds " + publics.size() + " public keys, not one");
        }
        return pem("PUBLIC KEY", publics.get(0));
    }

    private static String pem(String label, byte[] encoded) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded) + "\n-----END " + label
                + "-----\n";
    }

    /** A key's id: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** What a signature covers, in one unambiguous encoding: the deployer, then each file in name order. */
    static byte[] signedBytes(RuleSetVersion version) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeText(out, "surge-rule-set-1");
            writeText(out, version.deployedBy());
            out.writeInt(version.files().size());
            for (Map.Entry<String, String> file : version.files().entrySet()) {
                writeText(out, file.getKey());
                writeText(out, file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = String.valueOf(text).getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static PublicKey publicKey(byte[] encoded) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("a public key is not an Ed25519 key (" + e.getMessage() + ")");
        }
    }

    private static List<byte[]> blocks(String pem, String label) {
        Matcher block = PEM.matcher(pem);
        List<byte[]> found = new ArrayList<>();
        while (block.find()) {
            if (block.group(1).equals(label)) {
                found.add(Base64.getMimeDecoder().decode(block.group(2)));
            }
        }
        return found;
    }
}
