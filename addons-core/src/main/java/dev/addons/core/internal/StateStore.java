package dev.addons.core.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.addons.api.AddonException;
import dev.addons.api.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The durable state of an addons home: one JSON file per addon and per server under
 * {@code state/}, owner-only (they hold passwords), each replaced atomically. Readers need no
 * lock; read-modify-write sequences run under {@link #locked}, which excludes other threads and
 * other processes. Thread-safe.
 */
public final class StateStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path addonsDir;
    private final Path serversDir;
    private final Path locksDir;
    private final Path homeIdFile;
    private volatile String homeId;

    public StateStore(Path home) {
        try {
            Path state = PrivateFiles.directory(home.resolve("state"));
            this.addonsDir = PrivateFiles.directory(state.resolve("addons"));
            this.serversDir = PrivateFiles.directory(state.resolve("servers"));
            this.locksDir = PrivateFiles.directory(state.resolve("locks"));
            this.homeIdFile = state.resolve("home-id");
        } catch (IOException e) {
            throw new AddonException("Cannot create the addons home's state directory under " + home + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * This home's id: 16 random hex digits, made the first time it is asked for and kept in
     * {@code state/home-id}. What addons makes on a server carries it ({@code addons:<id>}), so
     * that two homes sharing a server, on one host or many, never take each other's objects.
     */
    public String homeId() {
        String id = homeId;
        if (id == null) {
            id = HomeLock.with(locksDir.resolve("home-id.lock"), () -> {
                try {
                    if (Files.exists(homeIdFile)) {
                        String kept = Files.readString(homeIdFile).strip();
                        if (!kept.matches("[0-9a-f]{16}")) {
                            throw new AddonException("State file " + homeIdFile + " holds no home id (16 hex"
                                    + " digits). Restore it from a backup of the home: what addons made on external"
                                    + " servers is marked with it", null);
                        }
                        return kept;
                    }
                    byte[] random = new byte[8];
                    new java.security.SecureRandom().nextBytes(random);
                    String made = java.util.HexFormat.of().formatHex(random);
                    PrivateFiles.write(homeIdFile, (made + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    return made;
                } catch (IOException e) {
                    throw new AddonException("Cannot read or write " + homeIdFile + ": " + e.getMessage(), e);
                }
            });
            homeId = id;
        }
        return id;
    }

    /** Runs {@code work} holding the home's state lock (threads and processes). */
    public <T> T locked(Supplier<T> work) {
        return HomeLock.with(locksDir.resolve("state.lock"), work);
    }

    /** Runs {@code work} holding the lock of one server (held while it starts or stops). */
    public <T> T lockedServer(String serverId, Supplier<T> work) {
        return HomeLock.with(locksDir.resolve("server-" + serverId + ".lock"), work);
    }

    public List<AddonState> addons() {
        return readAll(addonsDir, AddonState.class).stream()
                .sorted(Comparator.comparing((AddonState s) -> s.record().app())
                        .thenComparing(s -> s.record().environment())
                        .thenComparing(s -> s.record().addon()))
                .toList();
    }

    public Optional<AddonState> addon(String id) {
        return read(addonsDir.resolve(id + ".json"), AddonState.class);
    }

    /**
     * The app's addon in an environment, unless destroyed. Reads only the files whose name can be
     * its id ({@code <addon>-<app>-<environment>-<random>.json}), not every addon's.
     */
    public Optional<AddonState> find(String app, String environment, String addon) {
        String prefix = addon + "-" + app + "-" + environment + "-";
        List<AddonState> candidates = new ArrayList<>();
        try (Stream<Path> files = Files.list(addonsDir)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".json"))::iterator) {
                read(file, AddonState.class).ifPresent(candidates::add);
            }
        } catch (IOException e) {
            throw new AddonException("Cannot list " + addonsDir + ": " + e.getMessage(), e);
        }
        return candidates.stream()
                .filter(s -> s.record().app().equals(app) && s.record().environment().equals(environment)
                        && s.record().addon().equals(addon) && s.record().status() != Status.DESTROYED)
                .findFirst();
    }

    /** Addons whose tenant lives on {@code serverId}, or whose migration is making one there. */
    public List<AddonState> tenantsOf(String serverId) {
        return addons().stream()
                .filter(s -> serverId.equals(s.serverId())
                        || s.migration() != null && serverId.equals(s.migration().serverId()))
                .toList();
    }

    public void save(AddonState state) {
        write(addonsDir.resolve(state.record().id() + ".json"), state);
    }

    public void deleteAddon(String id) {
        delete(addonsDir.resolve(id + ".json"));
    }

    public List<ServerState> servers() {
        return readAll(serversDir, ServerState.class);
    }

    public Optional<ServerState> server(String serverId) {
        return read(serversDir.resolve(serverId + ".json"), ServerState.class);
    }

    public void save(ServerState state) {
        write(serversDir.resolve(state.serverId() + ".json"), state);
    }

    public void deleteServer(String serverId) {
        delete(serversDir.resolve(serverId + ".json"));
    }

    private static <T> List<T> readAll(Path dir, Class<T> type) {
        List<T> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().startsWith("."))::iterator) {
                read(file, type).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new AddonException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // Not e.getMessage(): Jackson quotes the file's content, which may hold a password.
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new AddonException("State file " + file + " is corrupt near line " + line
                    + ". Move it aside to continue.", null);
        } catch (IOException e) {
            throw new AddonException("State file " + file + " is unreadable: " + e.getMessage()
                    + ". Move it aside to continue.", e);
        }
    }

    private static void write(Path file, Object value) {
        try {
            PrivateFiles.write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new AddonException("Cannot write state file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
