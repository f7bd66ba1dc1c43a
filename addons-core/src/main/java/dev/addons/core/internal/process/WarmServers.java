package dev.addons.core.internal.process;

import dev.addons.api.Endpoint;
import dev.addons.core.internal.PrivateFiles;
import dev.addons.core.runtime.RunningServer;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The warm servers of a home on disk: servers the process runtime started ahead, each in its own
 * server directory {@code servers/warm-<16 hex digits>/}, which a new server of the same engine and
 * version becomes by being re-keyed instead of started (see {@link ProcessRuntime#claimWarm}).
 *
 * <p>An unclaimed warm server's directory holds the owner-only file {@value #UNCLAIMED}: its pool
 * (engine and version), its admin's current password and what the runtime recorded of it (pid,
 * ports). A claim for a server renames that file to {@code claimed.<server id>}; a rename succeeds
 * once, so two threads or programs never take the same server, and the directory names its owner
 * from that instant on (whose record exists before its start: a sweep of strays never takes a
 * server being re-keyed for one). Once re-keyed, the claimer rewrites the file with nothing but
 * the owner's id. The directory keeps its warm name (a running engine's directory cannot be
 * moved), the server's record points at it, and {@link #owner} tells which server a directory
 * belongs to. Stateless.
 */
final class WarmServers {
    /** The prefix of a warm server's directory name. */
    static final String PREFIX = "warm-";
    /** A warm server's directory name. */
    static final Pattern ID = Pattern.compile("warm-[0-9a-f]{16}");
    /** The file of an unclaimed warm server. */
    static final String UNCLAIMED = "warm";
    /** The prefix of the file of a claimed one, followed by its owner's id. */
    static final String CLAIMED = "claimed.";

    private WarmServers() {
    }

    /**
     * An unclaimed warm server.
     *
     * @param pool     its engine and version, as {@link #pool} makes it
     * @param password its admin's current password
     * @param server   what the runtime recorded of it, under its warm id
     */
    record Warm(String pool, String password, RunningServer server) {
        @Override
        public String toString() {
            return "Warm[pool=" + pool + ", server=" + server.serverId() + "]";
        }
    }

    /** The pool of an engine's version: {@code <engine>/<version>}. */
    static String pool(String engine, String version) {
        return engine + "/" + version;
    }

    /** A new warm server id. */
    static String newId() {
        byte[] bytes = new byte[8];
        new java.security.SecureRandom().nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }

    /** Records the started {@code server} as an unclaimed warm server of {@code pool}. */
    static void offer(ServerDirectories directories, String pool, String password, RunningServer server)
            throws IOException {
        Properties properties = new Properties();
        properties.setProperty("pool", pool);
        properties.setProperty("password", password);
        properties.setProperty("host", server.endpoint().host());
        properties.setProperty("port", Integer.toString(server.endpoint().port()));
        server.extraEndpoints().forEach((name, endpoint) ->
                properties.setProperty("extra." + name, Integer.toString(endpoint.port())));
        server.attributes().forEach((name, value) -> properties.setProperty("attribute." + name, value));
        PrivateFiles.write(directories.root().resolve(UNCLAIMED), text(properties));
    }

    /** The unclaimed warm servers under {@code servers}, of every pool. */
    static List<Warm> unclaimed(Path servers) {
        List<Warm> found = new ArrayList<>();
        for (Path directory : directories(servers)) {
            read(directory.resolve(UNCLAIMED)).map(p -> warm(directory, p)).ifPresent(found::add);
        }
        return found;
    }

    /**
     * Claims an unclaimed warm server of {@code pool} for {@code serverId}, oldest first; empty
     * when there is none left to claim. The caller owns the server from then on: it re-keys it
     * and calls {@link #own}, or destroys it.
     */
    static Optional<Warm> claim(Path servers, String pool, String serverId) {
        List<Warm> candidates = new ArrayList<>(unclaimed(servers).stream().filter(w -> w.pool().equals(pool)).toList());
        candidates.sort(java.util.Comparator.comparing(w -> w.server().attributes()
                .getOrDefault(ProcessRuntime.PID_START, "")));
        for (Warm candidate : candidates) {
            Path directory = servers.resolve(candidate.server().serverId());
            try {
                Files.move(directory.resolve(UNCLAIMED), directory.resolve(CLAIMED + serverId),
                        StandardCopyOption.ATOMIC_MOVE);
                return Optional.of(candidate);
            } catch (NoSuchFileException e) {
                // Another claimer won this one.
            } catch (AtomicMoveNotSupportedException e) {
                throw new IllegalStateException("renames within " + servers + " are not atomic", e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    /** Once {@code serverId}'s claimed warm server is re-keyed: its file forgets the former password. */
    static void own(Path directory, String serverId) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("owner", serverId);
        PrivateFiles.write(directory.resolve(CLAIMED + serverId), text(properties));
    }

    /**
     * Whom a server directory belongs to: its own name for an ordinary server directory and an
     * unclaimed warm one, the server that claimed it for a claimed warm one; empty for a warm
     * directory with neither file (a start a crash cut short).
     */
    static Optional<String> owner(Path directory) {
        String name = directory.getFileName().toString();
        if (!ID.matcher(name).matches() || Files.exists(directory.resolve(UNCLAIMED))) {
            return Optional.of(name);
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(CLAIMED))
                    .map(f -> f.substring(CLAIMED.length())).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the directory is an unclaimed warm server's. */
    static boolean isUnclaimed(Path directory) {
        return ID.matcher(directory.getFileName().toString()).matches() && Files.exists(directory.resolve(UNCLAIMED));
    }

    private static Warm warm(Path directory, Properties properties) {
        String host = properties.getProperty("host", PortAllocator.LOOPBACK_HOST);
        Map<String, Endpoint> extras = new LinkedHashMap<>();
        Map<String, String> attributes = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("extra.")) {
                extras.put(name.substring("extra.".length()),
                        new Endpoint(host, Integer.parseInt(properties.getProperty(name))));
            } else if (name.startsWith("attribute.")) {
                attributes.put(name.substring("attribute.".length()), properties.getProperty(name));
            }
        }
        RunningServer server = new RunningServer(directory.getFileName().toString(), ProcessRuntime.NAME,
                new Endpoint(host, Integer.parseInt(properties.getProperty("port"))), attributes, extras);
        return new Warm(properties.getProperty("pool"), properties.getProperty("password"), server);
    }

    private static List<Path> directories(Path servers) {
        if (!Files.isDirectory(servers)) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(servers)) {
            return listed.filter(p -> ID.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + servers, e);
        }
    }

    private static Optional<Properties> read(Path file) {
        try {
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            return Optional.of(properties);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] text(Properties properties) {
        StringWriter out = new StringWriter();
        try {
            properties.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
