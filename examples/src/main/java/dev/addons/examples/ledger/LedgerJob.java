package dev.addons.examples.ledger;

import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.core.BackupInfo;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * A script-style program: provisions a PostgreSQL addon for the app {@code ledger}, runs its
 * schema migrations against it (the SQL files under {@code ledger/} on the class path, each
 * applied once and recorded in {@code schema_version}), backs it up to a file, and tears it
 * down, deleting its data; the backup stays.
 *
 * <pre>
 * examples/ledger/run.sh [--home DIR] [--runtime process|container|auto] [--version V] [--backup FILE] [--keep]
 * </pre>
 */
public final class LedgerJob {
    /** The migrations, in order; a real program would list them from its resources. */
    static final List<String> MIGRATIONS = List.of("V1__accounts.sql", "V2__seed.sql");

    private LedgerJob() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        run(options, System.out);
    }

    /** Does the job; returns the backup taken. */
    static BackupInfo run(Options options, PrintStream out) throws SQLException {
        try (Addons addons = Addons.builder().home(options.home()).runtime(options.runtime()).build()) {
            AddonSpec spec = AddonSpec.of("postgresql");
            if (options.version() != null) {
                spec = spec.withVersion(options.version());
            }
            out.println("ledger: provisioning " + spec.addon() + " ...");
            addons.app("ledger", "production").create(spec);
            try {
                Environment environment = Environment.resolve(addons, "ledger", "production");
                try (PooledDataSource dataSource = environment.dataSource()) {
                    int applied = migrate(dataSource, out);
                    out.println("ledger: " + applied + " migration(s) applied; " + total(dataSource)
                            + " in the accounts");
                }
                BackupInfo backup = addons.app("ledger", "production").backup("postgresql", options.backup());
                out.println("ledger: backed up to " + backup.file() + " (" + backup.payloadBytes() + " bytes, "
                        + backup.archiveBytes() + " compressed, sha256 " + backup.sha256() + ")");
                return backup;
            } finally {
                if (!options.keep()) {
                    // The backup just taken to its own file is the one the job keeps.
                    addons.app("ledger", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
                    out.println("ledger: the addon is destroyed; the backup stays");
                }
            }
        }
    }

    /** Applies the migrations not yet recorded, each in a transaction of its own; returns how many. */
    static int migrate(DataSource dataSource, PrintStream out) throws SQLException {
        int applied = 0;
        try (Connection connection = dataSource.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version (name text PRIMARY KEY, "
                        + "applied_at timestamptz NOT NULL DEFAULT now())");
            }
            connection.setAutoCommit(false);
            for (String migration : MIGRATIONS) {
                try (PreparedStatement done = connection.prepareStatement(
                        "SELECT 1 FROM schema_version WHERE name = ?")) {
                    done.setString(1, migration);
                    try (ResultSet rows = done.executeQuery()) {
                        if (rows.next()) {
                            continue;
                        }
                    }
                }
                try (Statement statement = connection.createStatement();
                        PreparedStatement record = connection.prepareStatement(
                                "INSERT INTO schema_version (name) VALUES (?)")) {
                    statement.execute(read(migration));
                    record.setString(1, migration);
                    record.executeUpdate();
                    connection.commit();
                    out.println("ledger: applied " + migration);
                    applied++;
                } catch (SQLException e) {
                    connection.rollback();
                    throw e;
                }
            }
        }
        return applied;
    }

    static long total(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT sum(balance) FROM accounts")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String read(String migration) {
        try (InputStream in = LedgerJob.class.getResourceAsStream("/ledger/" + migration)) {
            if (in == null) {
                throw new IllegalStateException("migration " + migration + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The job's options.
     *
     * @param home    the addons home; default {@link dev.addons.core.Addons#defaultHome()}
     * @param runtime where the server runs
     * @param version the PostgreSQL version; {@code null} for the default
     * @param backup  where the backup goes
     * @param keep    whether to keep the addon instead of tearing it down
     */
    record Options(Path home, String runtime, String version, Path backup, boolean keep) {
        static Options parse(String... args) {
            Path home = dev.addons.core.Addons.defaultHome();
            String runtime = "auto";
            String version = null;
            Path backup = Path.of("ledger-backup.tar.zst");
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--home" -> home = Path.of(value(args, ++i));
                    case "--runtime" -> runtime = value(args, ++i);
                    case "--version" -> version = value(args, ++i);
                    case "--backup" -> backup = Path.of(value(args, ++i));
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'. Allowed: --home DIR,"
                            + " --runtime process|container|auto, --version V, --backup FILE, --keep");
                }
            }
            return new Options(home, runtime, version, backup.toAbsolutePath(), keep);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }
    }
}
