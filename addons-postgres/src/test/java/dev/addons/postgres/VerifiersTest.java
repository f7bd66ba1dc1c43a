package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class VerifiersTest {
    private static final String AHEAD = "addons-postgres-verifiers";

    /** A stand-in verifier that names the thread it was computed on. */
    private final Verifiers verifiers = new Verifiers(password -> password + " on " + Thread.currentThread().getName());
    private final String caller = Thread.currentThread().getName();

    @Test
    void aPreparedAdminVerifierIsComputedOnAThreadOfItsOwnAndHandedOutOnce() {
        verifiers.prepare("admin-password");

        assertThat(verifiers.verifier("admin-password")).isEqualTo("admin-password on " + AHEAD);
        assertThat(verifiers.verifier("admin-password")).isEqualTo("admin-password on " + caller);
        assertThat(verifiers.verifier("never-prepared")).isEqualTo("never-prepared on " + caller);
    }

    @Test
    void aPreparedTenantCredentialIsHandedOutOnceAndTheNextIsMadeWhenAsked() {
        verifiers.prepare("admin-password");

        Verifiers.Credential ahead = verifiers.tenant();
        Verifiers.Credential asked = verifiers.tenant();

        assertThat(ahead.verifier()).isEqualTo(ahead.password() + " on " + AHEAD);
        assertThat(asked.verifier()).isEqualTo(asked.password() + " on " + caller);
        assertThat(ahead.password()).hasSize(32).isNotEqualTo(asked.password());
        assertThat(ahead.toString()).doesNotContain(ahead.password()).doesNotContain(ahead.verifier());
    }

    @Test
    void atMostKeptOfEachAreKeptTheOldestAdminVerifierGoingFirst() {
        for (int i = 0; i <= Verifiers.KEPT; i++) {
            verifiers.prepare("admin-" + i);
        }

        for (int i = Verifiers.KEPT; i > 0; i--) {
            assertThat(verifiers.verifier("admin-" + i)).isEqualTo("admin-" + i + " on " + AHEAD);
        }
        assertThat(verifiers.verifier("admin-0")).isEqualTo("admin-0 on " + caller);
        for (int i = 0; i < Verifiers.KEPT; i++) {
            assertThat(verifiers.tenant().verifier()).endsWith(" on " + AHEAD);
        }
        assertThat(verifiers.tenant().verifier()).endsWith(" on " + caller);
    }

    @Test
    void aComputationAheadThatFailedIsDoneAgainWhenAsked() {
        Verifiers failingAhead = new Verifiers(password -> {
            if (Thread.currentThread().getName().equals(AHEAD)) {
                throw new IllegalStateException("no crypto on that thread");
            }
            return password + " on " + Thread.currentThread().getName();
        });
        failingAhead.prepare("admin-password");

        assertThat(failingAhead.verifier("admin-password")).isEqualTo("admin-password on " + caller);
        Verifiers.Credential tenant = failingAhead.tenant();
        assertThat(tenant.verifier()).isEqualTo(tenant.password() + " on " + caller);
    }

    @Test
    void theVerifiersArePostgresScramSha256VerifiersOfTheirPasswords() throws Exception {
        Verifiers real = new Verifiers();
        real.prepare("the admin's new password");

        assertVerifies(real.verifier("the admin's new password"), "the admin's new password");
        Verifiers.Credential ahead = real.tenant();
        assertVerifies(ahead.verifier(), ahead.password());
        Verifiers.Credential asked = real.tenant();
        assertVerifies(asked.verifier(), asked.password());
        assertThat(isVerifierOf(asked.verifier(), ahead.password())).isFalse();
    }

    private static void assertVerifies(String verifier, String password) throws Exception {
        assertThat(isVerifierOf(verifier, password)).as("a verifier of its password").isTrue();
    }

    /** RFC 5802's StoredKey and ServerKey of {@code password}, computed here, against the verifier's. */
    private static boolean isVerifierOf(String verifier, String password) throws Exception {
        Matcher parts = Pattern.compile("SCRAM-SHA-256\\$4096:([^$]+)\\$([^:]+):(.+)").matcher(verifier);
        assertThat(parts.matches()).as("PostgreSQL's form of a SCRAM-SHA-256 verifier").isTrue();
        byte[] salt = Base64.getDecoder().decode(parts.group(1));
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 4096, 256)).getEncoded();
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
        return Base64.getEncoder().encodeToString(storedKey).equals(parts.group(2))
                && Base64.getEncoder().encodeToString(hmac(salted, "Server Key")).equals(parts.group(3));
    }

    private static byte[] hmac(byte[] key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }
}
