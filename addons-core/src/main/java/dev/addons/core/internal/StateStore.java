package dev.addons.core.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.addons.api.AddonException;
import dev.addons.api.Status;
import dev.addons.core.StateFormatException;
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
 * other processes. The home and its state directories must be this user's alone (see
 * {@link TrustedDirectory}), else the store refuses to open. Thread-safe.
 *
 * <p>Each file carries {@code "format": }{@value #FORMAT}; a file without it is format 0 (written
 * before formats were numbered) and is read, then written in the current format by its next
 * save. A file in a newer format is refused with a {@link StateFormatException} and never
 * written over. Fields a save does not know (written by a newer version of the same format) are
 * kept: the save carries them over from the file it replaces, in the objects that still exist
 * (not inside list elements).
 */
public final class StateStore {
    /** Reads and writes the files' trees; the records in them are bound by {@link StateJson}. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // Through trees (read, then bound) numbers stay exact and as written: 1800.000000000, not 1.8E+3.
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /**
     * Makes the mapper that reads and writes the files, for {@link dev.addons.core.Addons#preload()}:
     * the class's initialization, which calling this runs, does.
     */
    public static void preload() {
        // Nothing more: the records are bound by StateJson, with nothing to build at a first use.
    }

    /** The state format this version writes, and the newest it reads. */
    public static final int FORMAT = 1;
    private static final String FORMAT_FIELD = "format";

    private final Path addonsDir;
    private final Path serversDir;
    private final Path locksDir;
    private final Path homeIdFile;
    private volatile String homeId;
    private final DirectorySyncs directorySyncs = new DirectorySyncs();
    private final ThreadLocal<Deferred> deferred = ThreadLocal.withInitial(Deferred::new);

    public StateStore(Path home) {
        try {
            Path state = PrivateFiles.directory(home.resolve("state"));
            this.addonsDir = PrivateFiles.directory(state.resolve("addons"));
            this.serversDir = PrivateFiles.directory(state.resolve("servers"));
            this.locksDir = PrivateFiles.directory(state.resolve("locks"));
            this.homeIdFile = state.resolve("home-id");
            requireTrusted(home.toAbsolutePath(), "The addons home");
            for (Path dir : List.of(state, addonsDir, serversDir, locksDir)) {
                requireTrusted(dir, "The addons home's state directory");
            }
        } catch (IOException e) {
            throw new AddonException("Cannot create the addons home's state directory under " + home + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that every state file is in a format this version reads, so that a home written by a
     * newer addons is refused before anything is done in it.
     *
     * @throws StateFormatException naming the first file in a newer format
     */
    public void requireReadable() {
        addons();
        servers();
    }

    /** Refuses a home whose state another user could have written (passwords, what runs). */
    private static void requireTrusted(Path dir, String what) throws IOException {
        Optional<String> why = TrustedDirectory.whyNot(dir, what);
        if (why.isPresent()) {
            throw new AddonException(why.get());
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

    /**
     * Runs {@code work} holding the home's state lock (threads and processes). What it saved is
     * on disk when this returns (or throws): the directories its renames went into are forced
     * once the lock is released, so that the next writer need not wait for those forces, and
     * writers that finish together share them ({@link DirectorySyncs}). Every file's content is
     * forced before its rename, under the lock, as before: a reader sees a whole file, and a
     * crash leaves the old content or the new one.
     */
    public <T> T locked(Supplier<T> work) {
        Deferred deferred = this.deferred.get();
        deferred.depth++;
        T result;
        try {
            result = HomeLock.with(locksDir.resolve("state.lock"), work);
        } catch (RuntimeException | Error e) {
            if (--deferred.depth == 0) {
                try {
                    syncDeferred(deferred);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        if (--deferred.depth == 0) {
            syncDeferred(deferred);
        }
        return result;
    }

    /** A thread's {@link #locked} nesting depth, and the renames its saves there left to sync. */
    private static final class Deferred {
        private int depth;
        private final java.util.Map<Path, Long> tickets = new java.util.HashMap<>();
    }

    private void syncDeferred(Deferred deferred) {
        try {
            for (java.util.Map.Entry<Path, Long> renamed : deferred.tickets.entrySet()) {
                directorySyncs.sync(renamed.getKey(), renamed.getValue());
            }
        } catch (IOException e) {
            throw new AddonException("Cannot sync the addons home's state directory: " + e.getMessage(), e);
        } finally {
            deferred.tickets.clear();
        }
    }

    /** Runs {@code work} holding the lock of one server (held while it starts or stops). */
    public <T> T lockedServer(String serverId, Supplier<T> work) {
        return HomeLock.with(serverLock(serverId), work);
    }

    /**
     * Runs {@code work} holding the backup lock of one addon: held by its backups and restores and
     * by what they must not overlap (see {@link Backups#excluding}).
     */
    public <T> T lockedBackups(String addonId, Supplier<T> work) {
        return HomeLock.with(backupLock(addonId), work);
    }

    private Path serverLock(String serverId) {
        return locksDir.resolve("server-" + serverId + ".lock");
    }

    private Path backupLock(String addonId) {
        return locksDir.resolve("backup-" + addonId + ".lock");
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

    /** Forgets an addon, and deletes its backup lock file (see {@link HomeLock#retire}). */
    public void deleteAddon(String id) {
        delete(addonsDir.resolve(id + ".json"));
        HomeLock.retire(backupLock(id));
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

    /** Forgets a server, and deletes its lock file (see {@link HomeLock#retire}). */
    public void deleteServer(String serverId) {
        delete(serversDir.resolve(serverId + ".json"));
        HomeLock.retire(serverLock(serverId));
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
        return readTree(file).map(tree -> {
            try {
                return bind(tree, type);
            } catch (RuntimeException e) {
                throw corrupt(file, e);
            }
        });
    }

    /** The record of {@code type} in {@code tree}; throws what {@link StateJson} or the record's constructor does. */
    private static <T> T bind(JsonNode tree, Class<T> type) {
        if (type == AddonState.class) {
            return type.cast(StateJson.addonState(tree));
        }
        if (type == ServerState.class) {
            return type.cast(StateJson.serverState(tree));
        }
        throw new IllegalArgumentException("no state file holds a " + type.getName());
    }

    private static ObjectNode tree(Object value) {
        if (value instanceof AddonState state) {
            return StateJson.write(state);
        }
        if (value instanceof ServerState state) {
            return StateJson.write(state);
        }
        throw new IllegalArgumentException("no state file holds a " + value.getClass().getName());
    }

    /** The file's content without its format field, unless the file is missing; refuses a newer format. */
    private static Optional<ObjectNode> readTree(Path file) {
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw corrupt(file, e);
        } catch (IOException e) {
            throw new AddonException("State file " + file + " is unreadable: " + e.getMessage()
                    + ". Move it aside to continue.", e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new AddonException("State file " + file + " is corrupt: it holds no JSON object. Move it aside to"
                    + " continue.");
        }
        JsonNode format = object.remove(FORMAT_FIELD);
        if (format != null && !format.canConvertToExactIntegral()) {
            throw new AddonException("State file " + file + " is corrupt: its \"format\" is " + format
                    + ", not a whole number. Move it aside to continue.");
        }
        int version = format == null ? 0 : format.asInt();
        if (version < 0) {
            throw new AddonException("State file " + file + " is corrupt: its \"format\" is " + version
                    + ", not 0 or more. Move it aside to continue.");
        }
        if (version > FORMAT) {
            throw new StateFormatException(file, version, FORMAT);
        }
        // Format 0 differs from 1 only in lacking the field: nothing to convert. A new format
        // converts older trees here, one step at a time, and adds its sample home to the tests
        // (StateFixturesGenerator, StateFormatTest).
        return Optional.of(object);
    }

    private static AddonException corrupt(Path file, com.fasterxml.jackson.core.JacksonException e) {
        // Not e.getMessage(): Jackson quotes the file's content, which may hold a password.
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        return new AddonException("State file " + file + " is corrupt near line " + line
                + ". Move it aside to continue.", null);
    }

    /**
     * A file whose JSON holds no record it can be: a field of the wrong kind (StateJson names it,
     * never its value) or a value its record refuses (a missing id, a port out of range).
     */
    private static AddonException corrupt(Path file, RuntimeException e) {
        String why = e.getMessage() == null ? "a field is missing or wrong (" + e.getClass().getSimpleName() + ")"
                : e.getMessage();
        return new AddonException("State file " + file + " is corrupt: " + why + ". Move it aside to continue.", null);
    }

    /**
     * Writes {@code value} in the current format, with the fields of the file it replaces that
     * this version does not know (a newer version of the same format wrote them). A file in a
     * newer format is refused, not replaced.
     */
    private void write(Path file, Object value) {
        ObjectNode tree = tree(value);
        unknownFields(file, value.getClass()).ifPresent(unknown -> keep(unknown, tree));
        ObjectNode versioned = JSON.createObjectNode().put(FORMAT_FIELD, FORMAT);
        versioned.setAll(tree);
        try {
            PrivateFiles.replace(file, JSON.writeValueAsBytes(versioned));
            Path directory = file.toAbsolutePath().getParent();
            long ticket = directorySyncs.renamed(directory);
            Deferred pending = deferred.get();
            if (pending.depth > 0) {
                pending.tickets.merge(directory, ticket, Math::max); // synced when the outermost locked() ends
            } else {
                directorySyncs.sync(directory, ticket);
            }
        } catch (IOException e) {
            throw new AddonException("Cannot write state file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The fields of {@code file} that reading it as {@code type} drops, in nested objects as
     * they are nested; empty when the file is missing or corrupt (a save replaces a corrupt file,
     * as it always did).
     */
    private static Optional<ObjectNode> unknownFields(Path file, Class<?> type) {
        ObjectNode old;
        try {
            old = readTree(file).orElse(null);
        } catch (StateFormatException e) {
            throw e;
        } catch (AddonException e) {
            return Optional.empty();
        }
        if (old == null) {
            return Optional.empty();
        }
        JsonNode known;
        try {
            known = tree(bind(old, type));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(dropped(old, known));
    }

    private static ObjectNode dropped(JsonNode old, JsonNode known) {
        ObjectNode out = JSON.createObjectNode();
        old.properties().forEach(field -> {
            JsonNode kept = known.get(field.getKey());
            if (kept == null) {
                out.set(field.getKey(), field.getValue());
            } else if (field.getValue().isObject() && kept.isObject()) {
                ObjectNode nested = dropped(field.getValue(), kept);
                if (!nested.isEmpty()) {
                    out.set(field.getKey(), nested);
                }
            }
        });
        return out;
    }

    /** Adds {@code unknown} to {@code tree} where {@code tree} has no such field, into objects it still has. */
    private static void keep(JsonNode unknown, ObjectNode tree) {
        unknown.properties().forEach(field -> {
            JsonNode there = tree.get(field.getKey());
            if (there == null) {
                tree.set(field.getKey(), field.getValue());
            } else if (there instanceof ObjectNode object && field.getValue().isObject()) {
                keep(field.getValue(), object);
            }
        });
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
