package io.surge.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only versions signed by a trusted key pass; the job's own directory always does. */
class TrustedKeysTest {

    private static final String OURS = TrustedKeys.generate();
    private static final String THEIRS = TrustedKeys.generate();
    private static final RuleSetVersion UNSIGNED =
            new RuleSetVersion(3, 1_000, Map.of("a.yaml", "name: a"), "ops@host", null, null);

    private final TrustedKeys trusted = TrustedKeys.parse(TrustedKeys.publicPart(OURS));

    @Test
    void aVersionSignedByATrustedKeyPassesWhateverItsEffectiveTime() {
        RuleSetVersion signed = TrustedKeys.signer(OURS).sign(UNSIGNED);

        assertThat(trusted.refusal(signed)).isNull();
        assertThat(trusted.refusal(signed.effectiveAt(5_000)))
                .as("moved by the job when it arrives late")
                .isNull();
        assertThat(signed.keyId()).isEqualTo(TrustedKeys.signer(OURS).keyId()).hasSize(16);
    }

    @Test
    void unsignedForeignAndTamperedVersionsAreRefusedSayingWhy() {
        assertThat(trusted.refusal(UNSIGNED)).startsWith("it is not signed");
        RuleSetVersion foreign = TrustedKeys.signer(THEIRS).sign(UNSIGNED);
        assertThat(trusted.refusal(foreign))
                .isEqualTo("it is signed by key '" + foreign.keyId() + "', which is not in rules.trusted-keys");
        RuleSetVersion escaping = new RuleSetVersion(3, 1_000, UNSIGNED.files(), "ops@host", "\u001b[2J", "x");
        assertThat(trusted.refusal(escaping))
                .as("a terminal escape, shown, not played")
                .isEqualTo("it is signed by key '\\u001b[2J', which is not in rules.trusted-keys");
        RuleSetVersion signed = TrustedKeys.signer(OURS).sign(UNSIGNED);
        RuleSetVersion tampered = new RuleSetVersion(
                3, 1_000, Map.of("a.yaml", "name: b"), "ops@host", signed.keyId(), signed.signature());
        assertThat(trusted.refusal(tampered)).endsWith("does not match its contents");
        RuleSetVersion otherDeployer =
                new RuleSetVersion(3, 1_000, UNSIGNED.files(), "mallory@host", signed.keyId(), signed.signature());
        assertThat(trusted.refusal(otherDeployer)).endsWith("does not match its contents");
        RuleSetVersion garbage = new RuleSetVersion(3, 1_000, UNSIGNED.files(), "ops@host", signed.keyId(), "@@@");
        assertThat(trusted.refusal(garbage)).endsWith("does not match its contents");
        assertThatThrownBy(() -> tampered.rules(trusted, Long.MIN_VALUE))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith("rule set version 3:0: its signature by key ");
    }

    @Test
    void theJobsOwnDirectoryAndAJobWithoutKeysTakeAnything() {
        assertThat(trusted.refusal(new RuleSetVersion(0, Long.MIN_VALUE, Map.of(), "alerts", null, null)))
                .isNull();
        assertThat(TrustedKeys.ANYONE.refusal(UNSIGNED)).isNull();
    }

    @Test
    void severalDeployersKeysInOneFileAreAllTrusted() {
        TrustedKeys both = TrustedKeys.parse(TrustedKeys.publicPart(OURS) + TrustedKeys.publicPart(THEIRS));

        assertThat(both.keys()).hasSize(2);
        assertThat(both.refusal(TrustedKeys.signer(THEIRS).sign(UNSIGNED))).isNull();
    }

    @Test
    void badKeyFilesSayWhatTheyLack() {
        assertThatThrownBy(() -> TrustedKeys.parse("nothing"))
                .hasMessage("it holds no -----BEGIN PUBLIC KEY----- block");
        assertThatThrownBy(() -> TrustedKeys.signer(TrustedKeys.publicPart(OURS)))
                .hasMessageStartingWith("it holds 0 private and 1 public keys");
        String mismatched = OURS.substring(0, OURS.indexOf("-----BEGIN PUBLIC KEY")) + TrustedKeys.publicPart(THEIRS);
        assertThatThrownBy(() -> TrustedKeys.signer(mismatched)).hasMessage("its public key is not the private key's");
    }
}
