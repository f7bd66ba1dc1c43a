package dev.addons.mysql;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import java.nio.file.Path;
import java.util.List;

/**
 * Where each supported version's binaries come from on the process runtime. No Oracle MySQL
 * package exists for Debian 12 and Maven Central carries no MySQL server binaries, so:
 * <ul>
 *   <li>MySQL 8 is served by MariaDB 10.11 from Debian's {@code mariadb-server}: the same protocol
 *       and, for ordinary apps, the same SQL. {@code /usr/sbin/mariadbd} is asked for its version,
 *       so that listings show the MariaDB that really runs and another MariaDB series is not taken
 *       for it. {@code mariadb-install-db}, from the same package, sits in the installation's
 *       {@code bin} directory ({@link MysqlProcess}).</li>
 *   <li>MySQL 9 has no binaries here at all: its distribution searches no directory and offers no
 *       download, and its description says why, so the process runtime refuses it before anything
 *       starts (and names the versions it can run instead); its recipe is never run. The
 *       container runtime will run the official {@code mysql:9} image.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class MysqlBinaries {

    /** The server binary, whose version is probed. */
    static final String MARIADBD = "mariadbd";

    /** What serves MySQL 8 here, as messages show it. */
    static final String MARIADB_DESCRIPTION = "MariaDB 10.11 (Debian's mariadb-server), standing in for MySQL 8";

    /** {@code mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)}. */
    private static final VersionProbe MARIADB_10_11 =
            new VersionProbe(MARIADBD, List.of("--version"), "\\bVer ([0-9]+\\.[0-9]+\\.[0-9]+-MariaDB)", "10.11");

    private MysqlBinaries() {
    }

    /** The binaries of {@code version}, a supported version ({@code 8} or {@code 9}). */
    static BinaryDistribution forVersion(String version) {
        if ("8".equals(version)) {
            // The server in /usr/sbin; its clients (mysqldump, mysql for backups) in /usr/bin.
            return new BinaryDistribution(MARIADB_DESCRIPTION, List.of(Path.of("/usr/sbin"), Path.of("/usr/bin")),
                    List.of(MARIADBD), null, MARIADB_10_11);
        }
        return new BinaryDistribution("MySQL " + version + " (none is packaged for Debian 12 or on Maven Central;"
                + " the process runtime runs MySQL 8 as MariaDB 10.11)",
                List.of(), List.of("mysqld"), null);
    }
}
