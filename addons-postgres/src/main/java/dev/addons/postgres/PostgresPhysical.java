package dev.addons.postgres;

import static dev.addons.postgres.SqlIdentifiers.quote;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerTools;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Physical backup and restore of a dedicated server, through PostgreSQL's own online backup API
 * as {@code pg_basebackup} uses it, without any of PostgreSQL's client tools: what the process
 * runtime's servers of the versions fetched from Maven Central (which carry no {@code pg_dump})
 * need, and what every dedicated server on the process runtime uses.
 *
 * <p>A backup holds an admin session that reserves the WAL (a temporary physical replication
 * slot) and starts a non-exclusive backup ({@code pg_backup_start}, {@code pg_start_backup} on
 * 14) with a fast checkpoint; the JVM then reads every file of the data directory while the
 * server goes on serving writes, leaving out what {@code pg_basebackup} leaves out (the contents
 * of {@code pg_wal}, {@code pg_replslot}, {@code pg_stat_tmp}, ..., {@code postmaster.pid},
 * temporary files), then stops the backup, whose {@code backup_label} goes into the payload,
 * and finally copies the WAL segments from the start to the stop position. Restoring it is
 * crash recovery from that label: consistent as of the backup's end.
 *
 * <p>The payload is this class's own framing ({@link #MAGIC}, the major version, the source
 * tenant's database and role, then directories and files in chunks); a restore refuses another
 * major version, naming both. It replaces the whole data directory ({@link
 * ServerTools#replaceDataDirectory}): the files are written into a new directory, PostgreSQL
 * recovers in single-user mode, where the admin gets the target server's password and the
 * source tenant becomes the target's (database and role renamed, the target's password), then
 * the server starts on it. When any of that fails, the old directory is back and the server runs
 * on it. No password is in the payload: the cluster's roles carry SCRAM verifiers only, and both
 * are replaced. Stateless and thread-safe.
 */
final class PostgresPhysical {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresPhysical.class);

    /** The first bytes of a physical payload; {@code pg_dump}'s custom format starts with {@code PGDMP}. */
    static final byte[] MAGIC = "ADDONS-PG-PHYSICAL/1\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte DIRECTORY = 'D';
    private static final byte FILE = 'F';
    private static final byte END = 'E';
    private static final int CHUNK = 64 * 1024;

    /** Directories whose contents a backup leaves out (kept empty), as pg_basebackup does. */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem",
            "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");
    /** Files of the data directory's top level a backup leaves out. */
    private static final Set<String> LEFT_OUT = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map", "current_logfiles", "backup_label.old", "backup_manifest");

    private PostgresPhysical() {
    }

    /** Whether {@code in} (marked) starts with a physical payload; resets it either way. */
    static boolean isPhysical(InputStream in) throws IOException {
        in.mark(MAGIC.length);
        byte[] head = in.readNBytes(MAGIC.length);
        in.reset();
        return Arrays.equals(head, MAGIC);
    }

    /** Writes a physical backup of the server that holds {@code tenant}'s database to {@code out}. */
    static void backup(String tenant, Binding binding, ServerAccess server, ServerTools tools, OutputStream out) {
        Path data = tools.dataDirectory().orElseThrow(() -> new IllegalStateException("no data directory"));
        String what = "Backing up PostgreSQL tenant '" + tenant + "' on " + server.endpoint();
        long started = System.nanoTime();
        try (Connection admin = PostgresAdmin.connect(server, PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = admin.createStatement()) {
            int major = major(admin);
            String slot = "addons_backup_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            // Temporary: dropped with this session, however it ends. Holds the WAL from now on.
            try (PreparedStatement reserve = admin.prepareStatement(
                    "select pg_create_physical_replication_slot(?, true, true)")) {
                reserve.setString(1, slot);
                reserve.executeQuery().close();
            }
            String startWal;
            try (PreparedStatement start = admin.prepareStatement(major >= 15
                    ? "select pg_walfile_name(pg_backup_start(?, true))"
                    : "select pg_walfile_name(pg_start_backup(?, true, false))")) {
                start.setString(1, "addons " + tenant);
                startWal = single(start);
            }
            DataOutputStream framed = new DataOutputStream(out);
            framed.write(MAGIC);
            framed.writeUTF(Integer.toString(major));
            framed.writeUTF(binding.require(PostgresCredentials.DATABASE));
            framed.writeUTF(binding.require(PostgresCredentials.USER));
            long[] count = {0, 0};
            copyTree(data, data, framed, count);
            String stopWal;
            String label;
            String tablespaceMap;
            try (ResultSet rs = sql.executeQuery(major >= 15
                    ? "select pg_walfile_name(lsn), labelfile, spcmapfile from pg_backup_stop(false)"
                    : "select pg_walfile_name(lsn), labelfile, spcmapfile from pg_stop_backup(false, false)")) {
                rs.next();
                stopWal = rs.getString(1);
                label = rs.getString(2);
                tablespaceMap = rs.getString(3);
            }
            writeFile(framed, "backup_label", label.getBytes(StandardCharsets.UTF_8));
            if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                writeFile(framed, "tablespace_map", tablespaceMap.getBytes(StandardCharsets.UTF_8));
            }
            int segments = copyWal(data.resolve("pg_wal"), startWal, stopWal, framed);
            framed.writeByte(END);
            framed.flush();
            try (PreparedStatement drop = admin.prepareStatement("select pg_drop_replication_slot(?)")) {
                drop.setString(1, slot);
                drop.executeQuery().close();
            }
            LOG.info("{} - Physical backup of PostgreSQL {}: {} files, {} bytes and {} WAL segments ({} to {}) in {} ms",
                    tenant, major, count[0], count[1], segments, startWal, stopWal,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            throw PostgresAdmin.failure(what, e, server.adminPassword());
        } catch (IOException | UncheckedIOException e) {
            throw new ProvisioningException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the server's data directory with the physical backup in {@code in}, recovered, its
     * admin's and tenant's passwords the target's; or leaves the server on its old data.
     */
    static void restore(String tenant, Binding binding, ServerAccess server, ServerTools tools, InputStream in) {
        String what = "Restoring PostgreSQL tenant '" + tenant + "' on " + server.endpoint();
        String database = binding.require(PostgresCredentials.DATABASE);
        String role = binding.require(PostgresCredentials.USER);
        String password = binding.require(PostgresCredentials.PASSWORD);
        try {
            DataInputStream framed = new DataInputStream(in);
            byte[] magic = framed.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new ProvisioningException(what + " failed; its data is unchanged: not a physical backup");
            }
            String sourceMajor = framed.readUTF();
            if (!sourceMajor.matches("[0-9]{1,4}")) {
                // The archive's text goes into messages only once it is known to be a version.
                throw new ProvisioningException(what + " failed; its data is unchanged: not a physical backup (its"
                        + " PostgreSQL version is not a number)");
            }
            String sourceDatabase = framed.readUTF();
            String sourceRole = framed.readUTF();
            String targetMajor;
            try (Connection admin = PostgresAdmin.connect(server, PostgresAdmin.MAINTENANCE_DATABASE)) {
                targetMajor = Integer.toString(major(admin));
            }
            if (!sourceMajor.equals(targetMajor)) {
                throw new ProvisioningException(what + " failed; its data is unchanged: the archive is a physical"
                        + " backup of PostgreSQL " + sourceMajor + ", which restores only into PostgreSQL "
                        + sourceMajor + "; this server runs PostgreSQL " + targetMajor
                        + ". Restore it into a dedicated server of version " + sourceMajor);
            }
            long started = System.nanoTime();
            List<String> statements = new ArrayList<>();
            statements.add("alter role " + quote(server.adminUser()) + " password '"
                    + PasswordUtil.encodeScramSha256(server.adminPassword().toCharArray()) + "'");
            if (!sourceDatabase.equals(database)) {
                statements.add("alter database " + quote(sourceDatabase) + " rename to " + quote(database));
            }
            if (!sourceRole.equals(role)) {
                statements.add("alter role " + quote(sourceRole) + " rename to " + quote(role));
            }
            statements.add("alter role " + quote(role) + " password '"
                    + PasswordUtil.encodeScramSha256(password.toCharArray()) + "'");
            tools.replaceDataDirectory(context -> {
                unpack(framed, context.dataDirectory());
                recover(context, statements);
            });
            LOG.info("{} - Restored a physical backup of PostgreSQL {} (tenant {}) in {} ms", tenant, sourceMajor,
                    sourceDatabase, (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            throw PostgresAdmin.failure(what + " (its data is unchanged)", e, server.adminPassword(), password);
        } catch (IOException e) {
            throw new ProvisioningException(what + " failed; its data is unchanged: " + e.getMessage(), e);
        } catch (ProvisioningException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(what)) {
                throw e;
            }
            // The runtime's message says whether the old data directory is back in place.
            throw new ProvisioningException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Crash recovery from the backup's label in single-user mode, then the statements (the
     * target's passwords and names), each its own transaction; any error is a non-zero exit.
     */
    private static void recover(ProcessContext context, List<String> statements)
            throws IOException, InterruptedException {
        context.run(List.of(context.binary("postgres").toString(), "--single",
                "-D", context.dataDirectory().toString(),
                "-c", "exit_on_error=on",
                PostgresAdmin.MAINTENANCE_DATABASE), String.join("\n", statements) + "\n");
    }

    /** Writes the framed entries of {@code framed} under {@code data}, owner-only. */
    static void unpack(DataInputStream framed, Path data) throws IOException {
        byte[] buffer = new byte[CHUNK];
        while (true) {
            byte type;
            try {
                type = framed.readByte();
            } catch (EOFException e) {
                throw new IOException("the backup ends before its last file", e);
            }
            if (type == END) {
                return;
            }
            Path target = inside(data, framed.readUTF());
            if (type == DIRECTORY) {
                Files.createDirectories(target,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else if (type == FILE) {
                Files.createDirectories(target.getParent());
                try (OutputStream file = Files.newOutputStream(Files.createFile(target,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))))) {
                    for (int length = framed.readInt(); length > 0; length = framed.readInt()) {
                        if (length > CHUNK) {
                            throw new IOException("a chunk of " + target.getFileName() + " is " + length + " bytes long");
                        }
                        framed.readFully(buffer, 0, length);
                        file.write(buffer, 0, length);
                    }
                }
            } else {
                throw new IOException("the backup holds an entry of unknown type " + type);
            }
        }
    }

    private static Path inside(Path data, String relative) throws IOException {
        Path target = data.resolve(relative).normalize();
        if (relative.isEmpty() || relative.startsWith("/") || !target.startsWith(data) || target.equals(data)) {
            throw new IOException("the backup holds a path outside the data directory: " + relative);
        }
        return target;
    }

    private static void copyTree(Path data, Path directory, DataOutputStream out, long[] count) throws IOException {
        List<Path> children;
        try (Stream<Path> listed = Files.list(directory)) {
            children = listed.sorted().toList();
        } catch (NoSuchFileException e) {
            return; // A directory dropped meanwhile: the WAL replays its removal.
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            String relative = data.relativize(child).toString();
            if (name.startsWith("pgsql_tmp") || name.equals("pg_internal.init") || name.endsWith(".addons-old")
                    || name.endsWith(".addons-new") || (directory.equals(data) && LEFT_OUT.contains(name))) {
                continue;
            }
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                out.writeByte(DIRECTORY);
                out.writeUTF(relative);
                if (directory.equals(data) && EMPTIED.contains(name)) {
                    if (name.equals("pg_wal")) {
                        out.writeByte(DIRECTORY);
                        out.writeUTF(relative + "/archive_status");
                    }
                    continue;
                }
                copyTree(data, child, out, count);
            } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                count[1] += copyFile(child, relative, out);
                count[0]++;
            } else if (Files.isSymbolicLink(child)) {
                throw new IOException(relative + " is a symbolic link (a tablespace?): a physical backup here copies"
                        + " the data directory only");
            }
        }
    }

    /** Copies the file as it is now; one that vanished meanwhile is left out (the WAL replays its removal). */
    private static long copyFile(Path file, String relative, DataOutputStream out) throws IOException {
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
        long total = 0;
        try (in) {
            out.writeByte(FILE);
            out.writeUTF(relative);
            byte[] buffer = new byte[CHUNK];
            for (int n = in.readNBytes(buffer, 0, CHUNK); n > 0; n = in.readNBytes(buffer, 0, CHUNK)) {
                out.writeInt(n);
                out.write(buffer, 0, n);
                total += n;
            }
            out.writeInt(0);
        }
        return total;
    }

    private static void writeFile(DataOutputStream out, String relative, byte[] content) throws IOException {
        out.writeByte(FILE);
        out.writeUTF(relative);
        for (int offset = 0; offset < content.length; offset += CHUNK) {
            int n = Math.min(CHUNK, content.length - offset);
            out.writeInt(n);
            out.write(content, offset, n);
        }
        out.writeInt(0);
    }

    /**
     * Copies the WAL segments from {@code startWal} to {@code stopWal} (same timeline: their
     * fixed-width hex names sort as they follow each other) and the timeline history files.
     */
    private static int copyWal(Path wal, String startWal, String stopWal, DataOutputStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(wal)) {
            files = listed.sorted().toList();
        }
        int segments = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            boolean segment = name.matches("[0-9A-F]{24}") && name.compareTo(startWal) >= 0
                    && name.compareTo(stopWal) <= 0;
            if (segment || name.matches("[0-9A-F]{8}\\.history")) {
                if (copyFile(file, "pg_wal/" + name, out) == 0 && segment) {
                    throw new IOException("the WAL segment " + name + " is gone");
                }
                segments += segment ? 1 : 0;
            }
        }
        if (segments == 0) {
            throw new IOException("no WAL segment from " + startWal + " to " + stopWal + " in pg_wal");
        }
        return segments;
    }

    /** The server's major version, e.g. 16. */
    static int major(Connection admin) throws SQLException {
        try (Statement sql = admin.createStatement();
                ResultSet rs = sql.executeQuery("select current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String single(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
