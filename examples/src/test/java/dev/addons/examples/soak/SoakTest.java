package dev.addons.examples.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.testkit.Soak;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short soak CI runs (the long one is {@code examples/soak.sh}): 15 cycles of creating and
 * destroying a database on a shared PostgreSQL 15 and a dedicated memcached, on the process
 * runtime, leave no process, listening port, file descriptor or file behind.
 */
class SoakTest {
    @TempDir
    Path home;

    @Test
    void fifteenCyclesOfASharedPostgresqlAndAMemcachedLeaveNothingBehind() throws Exception {
        Soak.Report report = Soak.run(home, "process", List.of("postgresql:shared@15", "memcached"), 15, null);

        System.out.println(report);
        assertThat(report.cycles()).isEqualTo(15);
        assertThat(report.processesLeft()).as("processes working under the home").isEmpty();
        assertThat(report.portsStillListening()).as("ports the addons used").isEmpty();
        assertThat(report.pathsLeft()).as("files and directories beyond those after the first cycle").isEmpty();
        assertThat(report.descriptorsAtEnd()).as("this JVM's file descriptors")
                .isLessThanOrEqualTo(report.descriptorsAfterFirstCycle());
    }
}
