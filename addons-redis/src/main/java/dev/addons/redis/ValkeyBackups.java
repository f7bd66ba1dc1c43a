package dev.addons.redis;

import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.Redaction;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantRequest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of a Valkey server as RDB snapshots, the server's own file format.
 *
 * <p>A backup asks the running server for a full copy as a replica would ({@code SYNC} over the
 * admin connection, see {@link RespConnection#sync()}): the server forks and writes the data set
 * as of that moment while it goes on serving writes. That needs no tool next to the server, so it
 * works the same on every runtime, and no file is read while the server may be rewriting it.
 *
 * <p>A restore saves the live data first ({@code SAVE}), so that the file on disk is what goes
 * back when the server does not start on the snapshot, then has the runtime stop the server,
 * replace its {@code dbfilename} and start it again ({@link ServerTools#replaceDataFile}). A
 * server that cannot load a snapshot (cut short, a bad checksum, a newer RDB version than it
 * reads) exits, so the runtime puts the old file back. Snapshots hold keys only: the
 * {@code default} user's password is the server's configuration, so after a restore into another
 * app's server that app's credentials still work, and the source's do not.
 *
 * <p>Stateless and thread-safe.
 */
final class ValkeyBackups {
    private static final Logger LOG = LoggerFactory.getLogger(ValkeyBackups.class);

    /** {@code REDIS} and four digits, or (Valkey 9 on) {@code VALKEY} and three. */
    static final int HEADER_LENGTH = 9;
    private static final Pattern HEADER = Pattern.compile("(?:REDIS([0-9]{4})|VALKEY([0-9]{3}))");
    /** {@code db0:keys=3,expires=0,avg_ttl=0} in {@code INFO keyspace}. */
    private static final Pattern KEYSPACE = Pattern.compile("(db[0-9]+):keys=([0-9]+),.*");
    /** Bounds each read: the server sends a newline each second while it forks and writes. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SAVE_RETRY = Duration.ofMillis(100);

    private ValkeyBackups() {
    }

    /** Copies an RDB snapshot of the running server to {@code out}. */
    static void backup(TenantRequest request, ServerAccess server, OutputStream out) {
        String what = "Backup of " + request.addonId() + " (Valkey on " + server.endpoint() + ")";
        long begin = System.nanoTime();
        long length;
        String version;
        try (RespConnection connection = ValkeyAdmin.connect(server, TIMEOUT)) {
            length = connection.sync();
            InputStream in = connection.input();
            byte[] header = in.readNBytes((int) Math.min(HEADER_LENGTH, length));
            version = rdbVersion(header).orElseThrow(() -> new IOException(
                    "the server sent no RDB snapshot: it begins with " + printable(header)));
            out.write(header);
            copy(in, out, length - HEADER_LENGTH);
        } catch (IOException e) {
            Redaction redaction = Redaction.of(server.adminPassword());
            throw new ProvisioningException(what + " failed: " + redaction.reason(e), redaction.redact(e));
        }
        LOG.info("{} - Backed up an RDB snapshot ({}, {} bytes) in {} ms", request.addonId(), version, length,
                (System.nanoTime() - begin) / 1_000_000);
    }

    /** Replaces the server's data with the RDB snapshot in {@code in}; the old data stays when that fails. */
    static void restore(TenantRequest request, ServerAccess server, ServerTools tools, InputStream in) {
        String what = "Restore of " + request.addonId() + " (Valkey on " + server.endpoint() + ")";
        long begin = System.nanoTime();
        String version;
        try {
            byte[] header = in.readNBytes(HEADER_LENGTH);
            version = rdbVersion(header).orElseThrow(() -> new ProvisioningException(what + " failed: the backup is"
                    + " not an RDB snapshot (it begins with " + printable(header) + "); the server was not touched"));
            String file;
            try (RespConnection connection = ValkeyAdmin.connect(server, TIMEOUT)) {
                if (config(connection, "appendonly").equals("yes")) {
                    // The server would load its append-only file at start and ignore the snapshot.
                    throw new UnsupportedOperationAddonException(what + " is not supported: the server keeps an "
                            + "append-only file (appendonly yes), which it loads instead of an RDB snapshot");
                }
                file = config(connection, "dbfilename");
                save(connection);
            }
            tools.replaceDataFile(file, new SequenceInputStream(new ByteArrayInputStream(header), in));
        } catch (IOException e) {
            Redaction redaction = Redaction.of(server.adminPassword());
            throw new ProvisioningException(what + " failed before the server was stopped; its data is as it was: "
                    + redaction.reason(e), redaction.redact(e));
        } catch (ProvisioningException e) {
            if (e.getMessage().startsWith(what)) {
                throw e;
            }
            Redaction redaction = Redaction.of(server.adminPassword());
            throw new ProvisioningException(what + " failed: " + redaction.reason(e), redaction.redact(e));
        }
        LOG.info("{} - Restored an RDB snapshot ({}) in {} ms{}", request.addonId(), version,
                (System.nanoTime() - begin) / 1_000_000, loaded(server));
    }

    /** The number of keys in each database that has any, e.g. {@code db0 -> 3}, from {@code INFO keyspace}. */
    static Map<String, Long> keyCounts(TenantRequest request, ServerAccess server) {
        try (RespConnection connection = ValkeyAdmin.connect(server, TIMEOUT)) {
            return keyCounts(connection.callForString("INFO", "keyspace"));
        } catch (IOException e) {
            Redaction redaction = Redaction.of(server.adminPassword());
            throw new ProvisioningException("Counting the keys of " + request.addonId() + " (Valkey on "
                    + server.endpoint() + ") failed: " + redaction.reason(e), redaction.redact(e));
        }
    }

    static Map<String, Long> keyCounts(String info) {
        Map<String, Long> counts = new TreeMap<>();
        info.lines().map(String::strip).map(KEYSPACE::matcher).filter(Matcher::matches)
                .forEach(m -> counts.put(m.group(1), Long.parseLong(m.group(2))));
        return counts;
    }

    /** The RDB version a snapshot's first bytes name, e.g. {@code REDIS0010}; empty when they are no RDB header. */
    static Optional<String> rdbVersion(byte[] header) {
        if (header.length != HEADER_LENGTH) {
            return Optional.empty();
        }
        String text = new String(header, java.nio.charset.StandardCharsets.ISO_8859_1);
        return HEADER.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }

    private static String config(RespConnection connection, String parameter) throws IOException {
        Object reply = connection.call("CONFIG", "GET", parameter);
        if (reply instanceof List<?> pair && pair.size() == 2 && pair.get(1) instanceof String value) {
            return value;
        }
        throw new IOException("CONFIG GET " + parameter + " answered no value");
    }

    /** {@code SAVE}, after any background save in progress (which makes {@code SAVE} fail) has ended. */
    private static void save(RespConnection connection) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                connection.callForString("SAVE");
                return;
            } catch (RespConnection.ErrorReply e) {
                if (!e.getMessage().contains("in progress") || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(SAVE_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a background save to end", e);
            }
        }
    }

    /**
     * What the restarted server says it loaded, for the log. It answered its readiness check on
     * the new file already; it may answer on another port now, which addons records.
     */
    private static String loaded(ServerAccess server) {
        try (RespConnection connection = ValkeyAdmin.connect(server, TIMEOUT)) {
            Matcher keys = Pattern.compile("rdb_last_load_keys_loaded:([0-9]+)")
                    .matcher(connection.callForString("INFO", "persistence"));
            return keys.find() ? "; the server loaded " + keys.group(1) + " keys" : "";
        } catch (IOException e) {
            return "; the server answers elsewhere now (" + Redaction.of(server.adminPassword()).reason(e) + ")";
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("the snapshot was cut short: " + left + " of " + length + " bytes missing");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    /** Up to nine bytes as text, with anything unprintable as {@code \xNN}. */
    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder("'");
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f && b != '\'') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return text.append('\'').toString();
    }
}
