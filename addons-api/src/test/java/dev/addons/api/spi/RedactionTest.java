package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.ProvisioningException;
import dev.addons.api.RedactedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class RedactionTest {
    /** A password as an operator may type one: every character of it needs encoding in a URL. */
    private static final String TYPED = "p@ss w/rd+%é";
    private static final String GENERATED = "Zq8Kd0xLr3VbN1cT7yHu2WmE5aSg9FjP";

    private final Redaction redaction = Redaction.of(TYPED, GENERATED, null, "");

    @Test
    void aSecretIsRedactedAsItIsAndInEveryUrlEncodedForm() {
        String encoded = Urls.encode(TYPED);

        assertThat(redaction.redact("raw " + TYPED + ", encoded " + encoded + ", lower " + encoded.toLowerCase()
                + ", form " + URLEncoder.encode(TYPED, StandardCharsets.UTF_8) + ", generated " + GENERATED))
                .isEqualTo("raw <redacted>, encoded <redacted>, lower <redacted>, form <redacted>,"
                        + " generated <redacted>");
    }

    @Test
    void theMessageOfAUrlShowsNoPasswordKnownOrNot() {
        assertThat(redaction.redact("could not reach postgresql://admin:" + Urls.encode(TYPED) + "@db:5432/postgres"
                + " nor redis://:unknown-one@127.0.0.1:6379"))
                .isEqualTo("could not reach postgresql://admin:***@db:5432/postgres nor redis://:***@127.0.0.1:6379");
        assertThat(Redaction.urlPasswords("amqp://app:secret@h:5672/vhost")).isEqualTo("amqp://app:***@h:5672/vhost");
        assertThat(redaction.redact("jdbc:postgresql://127.0.0.1:5432/postgres, user admin"))
                .as("a URL without a password is left alone")
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres, user admin");
        assertThat(redaction.redact((String) null)).isNull();
    }

    @Test
    void aTypedUrlHidesItsWholePasswordEvenWhereItShouldHaveBeenEncoded() {
        assertThat(Redaction.url("postgresql://admin:p@ss w:rd@db.internal:5432/postgres"))
                .isEqualTo("postgresql://admin:***@db.internal:5432/postgres");
        assertThat(Redaction.url("postgresql://db.internal:5432/postgres"))
                .isEqualTo("postgresql://db.internal:5432/postgres");
        assertThat(Redaction.url(null)).isNull();
    }

    @Test
    void noSecretSurvivesInThePrintedStackTraceOfANestedChain() {
        SQLException root = new SQLException("password authentication failed: " + GENERATED, "28P01", 0,
                new IOException("echo of '" + TYPED + "'"));
        root.getCause().addSuppressed(new IllegalStateException("cleanup saw " + Urls.encode(TYPED)));
        root.setNextException(new SQLException("next: " + GENERATED, "08006"));
        UncheckedIOException middle = new UncheckedIOException("while provisioning",
                new IOException("redis://:" + GENERATED + "@127.0.0.1:6379 refused", root));
        RuntimeException top = new RuntimeException("connect failed for amqp://app:"
                + URLEncoder.encode(TYPED, StandardCharsets.UTF_8) + "@h/", middle);
        IOException clean = new IOException("connection refused");
        top.addSuppressed(clean);

        Throwable redacted = redaction.redact(top);
        ProvisioningException thrown = new ProvisioningException("Provisioning failed: " + redaction.reason(top),
                redacted);

        String trace = printed(thrown);
        assertThat(trace).doesNotContain(TYPED, Urls.encode(TYPED), Urls.encode(TYPED).toLowerCase(),
                URLEncoder.encode(TYPED, StandardCharsets.UTF_8), GENERATED);
        assertThat(trace).contains("cleanup saw <redacted>", "echo of '<redacted>'", "amqp://app:***@h/",
                "java.io.IOException (redacted): redis://:***@127.0.0.1:6379 refused",
                "java.sql.SQLException: password authentication failed: <redacted>");
        assertThat(redacted).isInstanceOf(RedactedException.class)
                .extracting(e -> ((RedactedException) e).originalClassName())
                .isEqualTo(RuntimeException.class.getName());
        assertThat(redacted.getStackTrace()).isEqualTo(top.getStackTrace());
        assertThat(redacted.getSuppressed()).as("what reveals nothing is kept as it is").containsExactly(clean);
        Throwable sql = redacted.getCause().getCause().getCause();
        assertThat(sql).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("28P01");
            assertThat(e.getNextException().getMessage()).isEqualTo("next: <redacted>");
            assertThat(e.getStackTrace()).isEqualTo(root.getStackTrace());
        });
        assertThat(sql.getCause().getSuppressed()).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("cleanup saw <redacted>");
    }

    @Test
    void aChainThatRevealsNothingIsKeptAsItIs() {
        IOException refused = new IOException("Connection refused");
        SQLException failure = new SQLException("Communications link failure", "08S01", 0, refused);

        assertThat(redaction.redact(failure)).isSameAs(failure);
        assertThat(redaction.redact((Throwable) null)).isNull();
        assertThat(redaction.reason(new IOException())).isEqualTo("java.io.IOException");
    }

    @Test
    void aCircularChainIsCopiedOnce() {
        IOException first = new IOException("first " + GENERATED);
        IOException second = new IOException("second", first);
        first.addSuppressed(second);

        Throwable redacted = redaction.redact(second);

        assertThat(redacted.getCause().getSuppressed()).containsExactly(redacted);
        assertThat(printed(redacted)).doesNotContain(GENERATED).contains("CIRCULAR REFERENCE");
    }

    @Test
    void itsToStringNamesNoSecret() {
        assertThat(redaction.toString()).doesNotContain(GENERATED, TYPED);
    }

    private static String printed(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
