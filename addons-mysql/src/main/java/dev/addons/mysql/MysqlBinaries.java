package dev.addons.mysql;

import dev.addons.api.spi.BinaryDistribution;
import java.nio.file.Path;
import java.util.List;

/**
 * Where each supported version's binaries come from on the process runtime. No Oracle MySQL
 * package exists for Debian 12 and Maven Central carries no MySQL server binaries, so:
 * <ul>
 *   <li>MySQL 8 is served by MariaDB 10.11 from Debian's {@code mariadb-server}
 *       ({@code /usr/sbin/mariadbd}, {@code /usr/bin/mariadb-install-db}): the same protocol and,
 *       for ordinary apps, the same SQL;</li>
 *   <li>MySQL 9 has no binaries here at all: its distribution searches no directory and offers no
 *       download, and its description says what to do instead, so the process runtime refuses it
 *       with that reason before anything starts (its recipe is never run). The container runtime
 *       will run the official {@code mysql:9} image.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class MysqlBinaries {

    /** The binaries the MariaDB process recipe runs. */
    static final List<String> MARIADB = List.of("mariadbd", "mariadb-install-db");

    /** Where Debian installs them: the server in {@code sbin}, the installer in {@code bin}. */
    static final List<Path> MARIADB_SEARCH_PATH = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"));

    /** What serves MySQL 8 here, as listings show it. */
    static final String MARIADB_DESCRIPTION = "MariaDB 10.11 (Debian's mariadb-server), standing in for MySQL 8";

    private MysqlBinaries() {
    }

    /** The binaries of {@code version}, a supported version ({@code 8} or {@code 9}). */
    static BinaryDistribution forVersion(String version) {
        if ("8".equals(version)) {
            return new BinaryDistribution(MARIADB_DESCRIPTION, MARIADB_SEARCH_PATH, MARIADB, null);
        }
        return new BinaryDistribution("MySQL " + version + " cannot run from binaries on this host: the process"
                + " runtime serves MySQL 8 only, as MariaDB 10.11 (Debian's mariadb-server, /usr/sbin/mariadbd)."
                + " Use --version 8; MySQL " + version + " needs the container runtime, which this build does not"
                + " have yet",
                List.of(), List.of("mysqld"), null);
    }
}
