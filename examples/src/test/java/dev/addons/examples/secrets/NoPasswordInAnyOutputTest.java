package dev.addons.examples.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.addons.api.spi.Secrets;
import dev.addons.testsecrets.RecordingSecretsObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Scans everything the whole test suite wrote (every module's surefire reports and outputs, the
 * standard error of the JVMs tests started, the CLI's output) for every password the suite made,
 * which {@link Secrets} told {@link RecordingSecretsObserver}, which recorded them in the file the
 * build names in {@value RecordingSecretsObserver#RECORD_ENV}. Runs
 * in its own surefire execution at {@code verify}, after every module's tests, examples' own
 * included (examples is the reactor's last module). Where nothing was recorded (a run of some
 * modules alone) it is skipped, except in CI, where that is a failure.
 */
class NoPasswordInAnyOutputTest {
    @Test
    void noPasswordTheSuiteMadeAppearsInAnyOutput() throws Exception {
        String recorded = System.getenv(RecordingSecretsObserver.RECORD_ENV);
        boolean ci = "true".equals(System.getenv("CI"));
        boolean present = recorded != null && Files.isRegularFile(Path.of(recorded));
        if (ci) {
            assertThat(present).as("passwords recorded by the suite in " + recorded).isTrue();
        }
        assumeTrue(present, "no passwords recorded: run the whole suite");
        Set<String> passwords = SecretsScan.passwords(Path.of(recorded));
        Path root = Path.of(System.getProperty("addons.root"));
        List<Path> outputs = SecretsScan.suiteOutputs(root);

        List<SecretsScan.Finding> found = SecretsScan.scan(passwords, outputs);

        System.out.println("Scanned " + outputs.size() + " files for " + passwords.size() + " passwords");
        assertThat(found).as("lines holding a password the suite made").isEmpty();
    }
}
