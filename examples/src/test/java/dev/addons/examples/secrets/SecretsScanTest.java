package dev.addons.examples.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.spi.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan itself: it finds a planted password wherever it hides, and nothing where there is none. */
class SecretsScanTest {
    @TempDir
    Path root;

    @Test
    void aPlantedPasswordIsFoundByFileAndLineInAReportOfAnyModuleNestedOnesToo() throws Exception {
        String planted = Secrets.random(SecretsScan.LENGTH);
        Path reports = Files.createDirectories(root.resolve("addons-x").resolve("target").resolve("surefire-reports"));
        Files.writeString(reports.resolve("dev.addons.XTest-output.txt"), "starting\nDATABASE_URL=postgres://u:"
                + planted + "@127.0.0.1:5432/db\n");
        Files.writeString(reports.resolve("TEST-dev.addons.XTest.xml"), "<system-out>token" + planted
                + "tail</system-out>");
        Path nested = Files.createDirectories(root.resolve("examples").resolve("spring-shop").resolve("target")
                .resolve("surefire-reports"));
        Files.writeString(nested.resolve("dev.addons.ShopTest-output.txt"), "password=" + planted + "\n");
        Path cli = root.resolve("addons-y").resolve("target").resolve("cli-output.txt");
        Files.createDirectories(cli.getParent());
        Files.writeString(cli, "$ addons list\nnothing to see\n");

        List<SecretsScan.Finding> found = SecretsScan.scan(Set.of(planted, Secrets.password()),
                SecretsScan.suiteOutputs(root));

        assertThat(found).extracting(SecretsScan.Finding::toString).containsExactlyInAnyOrder(
                reports.resolve("dev.addons.XTest-output.txt") + ":2", reports.resolve("TEST-dev.addons.XTest.xml") + ":1",
                nested.resolve("dev.addons.ShopTest-output.txt") + ":1");
        assertThat(found.toString()).doesNotContain(planted);
    }

    @Test
    void outputsWithoutAPasswordGiveNothing() throws Exception {
        Path reports = Files.createDirectories(root.resolve("addons-x").resolve("target").resolve("surefire-reports"));
        Files.writeString(reports.resolve("a.txt"), "A".repeat(100) + "\n" + Secrets.random(31) + "\n");

        assertThat(SecretsScan.scan(Set.of(Secrets.random(SecretsScan.LENGTH)), SecretsScan.suiteOutputs(root)))
                .isEmpty();
    }
}
