package dev.addons.junit;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.BackupPolicy;
import dev.addons.core.FinalBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps a home keeps from one test run to the next when {@value #PARAMETER} is on: a prepared
 * template's app, and a keeper app holding a tenant on each shared server a run used, so that the
 * server outlives the run (a shared server goes with its last tenant). A later run, in another JVM,
 * finds them running and copies from the template, or adds its tenant to the server, instead of
 * starting a server and preparing again.
 *
 * <p>A kept app has a record in {@code <home>/junit/}, named after it and written once the app is
 * whole (its addons active, its template prepared), which names what it was made for. An app is
 * found by a key that changes with what made it: a template's class name and code, its
 * {@link AddonTemplate#fingerprint()}, the declared SQL addons and the runtime; a keeper's addon,
 * variant, version and runtime. A template whose key changed is made again, and the kept app of
 * its former key destroyed once no run uses it (below). A kept app without its record, or whose addons are not all active
 * (its server died, the machine restarted), is destroyed and made again.
 *
 * <p>Runs in other JVMs on the same home take turns per template class (or shared server) by a
 * file lock, and threads of this JVM by a lock of their own on the same file, as a file lock is
 * held per JVM.
 *
 * <p>A run holds a shared lock on {@code <app>.inuse} for every kept app it uses, from when it
 * finds or makes it until {@link #close()}. A former app (its key changed: another checkout of the
 * project, another branch) or an unused one is only destroyed under that file's exclusive lock,
 * so never while a run in another JVM copies from it; such an app is left for a later run to
 * remove. Each use also marks the record as used now: a kept app no run has used for
 * {@value #MAX_UNUSED_PARAMETER} (default {@link #DEFAULT_MAX_UNUSED}) is destroyed by the next run
 * that keeps anything. Thread-safe.
 */
final class KeptApps implements AutoCloseable {
    /** The configuration parameter (or system property) that turns keeping on. */
    static final String PARAMETER = "addons.junit.reuse";
    /** The configuration parameter: how long a kept app may go unused before a run removes it. */
    static final String MAX_UNUSED_PARAMETER = "addons.junit.reuse.maxUnused";
    /** How long a kept app may go unused when {@value #MAX_UNUSED_PARAMETER} does not say. */
    static final Duration DEFAULT_MAX_UNUSED = Duration.ofDays(7);
    private static final Logger LOG = LoggerFactory.getLogger(KeptApps.class);
    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
    /** The in-use files this JVM holds a shared lock on, with how many of its runs use each. */
    private static final Map<Path, Use> USED_IN_THIS_JVM = new HashMap<>();
    private static final String RECORD = ".kept";
    private static final String IN_USE = ".inuse";
    private static final int APP_LENGTH = 40;

    private final Path directory;
    private final Duration maxUnused;
    private final AtomicBoolean swept = new AtomicBoolean();
    /** The in-use files this run holds. */
    private final Set<Path> mine = ConcurrentHashMap.newKeySet();

    /** Apps kept in {@code home}, each removed once unused for {@code maxUnused} ({@code null}: never). */
    KeptApps(Path home, Duration maxUnused) {
        this.directory = home.resolve("junit");
        this.maxUnused = maxUnused;
    }

    /** Reads {@value #MAX_UNUSED_PARAMETER}: a duration such as {@code 7d} or {@code 12h}, or {@code off}. */
    static Duration maxUnused(java.util.Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return DEFAULT_MAX_UNUSED;
        }
        try {
            return BackupPolicy.parseDuration(MAX_UNUSED_PARAMETER, value.get());
        } catch (InvalidSpecException e) {
            throw new ExtensionConfigurationException(MAX_UNUSED_PARAMETER + "=" + value.get() + " is not a duration:"
                    + " use a number and a unit, m, h, d or w (e.g. 12h, 7d), or off to keep unused apps for good");
        }
    }

    /**
     * The kept app holding a tenant on the shared server of {@code spec} (a {@code shared} variant),
     * made now unless a run made it before.
     */
    String keeper(Addons addons, AddonSpec spec) {
        String owner = "shared " + spec.addon() + " " + spec.versionIfSet().orElse("default");
        String key = digest(owner, addons.runtimeName());
        Declaration declaration = new Declaration(KeptApps.class, List.of(spec), Scope.RUN, addons.runtimeName(),
                false, null);
        return kept(addons, name("keep-" + spec.addon(), key), owner, declaration, set -> { });
    }

    /**
     * The kept app of {@code template}'s declaration (its SQL addons, from {@link Templates#check}),
     * made and prepared now unless a run made it with the same key; the app of a former key is
     * destroyed once no run uses it. Returns {@code null} when the template's code cannot be read, so its key could
     * not follow a change: the caller then prepares the template for this run only.
     */
    String template(Addons addons, Declaration template, AddonTemplate preparation) {
        Class<?> type = template.declaredOn();
        byte[] code = code(type);
        if (code == null) {
            LOG.warn("Not keeping the template {} across runs: its class file cannot be read, so a change to it"
                    + " would go unnoticed", type.getName());
            return null;
        }
        String fingerprint;
        try {
            fingerprint = preparation.fingerprint();
        } catch (Exception e) {
            throw new AddonException(type.getName() + ".fingerprint failed: " + e, e);
        }
        String owner = "template " + type.getName();
        String key = digest(owner, HexFormat.of().formatHex(sha256(code)), String.valueOf(fingerprint),
                template.specs().toString(), addons.runtimeName());
        String app = name(RunState.slug(type), key);
        return kept(addons, app, owner, template, set -> Templates.prepare(template, preparation, set));
    }

    private String kept(Addons addons, String app, String owner, Declaration declaration, Consumer<AddonSet> prepare) {
        Path record = directory.resolve(app + RECORD);
        try {
            Files.createDirectories(directory);
            return underOwnersLock(owner, () -> {
                App handle = addons.app(app, AddonSet.ENVIRONMENT);
                List<AddonRecord> records = handle.list();
                if (Files.exists(record) && records.size() == declaration.specs().size()
                        && records.stream().allMatch(r -> r.status() == Status.ACTIVE)) {
                    LOG.debug("{} - kept from an earlier run ({})", app, owner);
                    use(app);
                    removeFormer(addons, owner, app);
                    return app;
                }
                Files.deleteIfExists(record);
                destroy(addons, app);
                removeFormer(addons, owner, app);
                AddonSet set = AddonSet.open(addons, app, declaration, null);
                try {
                    prepare.accept(set);
                } catch (RuntimeException e) {
                    try {
                        set.close();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    throw e;
                }
                Path written = Files.writeString(directory.resolve(app + RECORD + ".new"), owner + "\n",
                        StandardCharsets.UTF_8);
                Files.move(written, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                use(app);
                LOG.info("{} - kept for later runs ({}); remove it with: addons --home {} destroy <addon> -a {}"
                        + " --env {} --no-backup", app, owner, addons.home(), app, AddonSet.ENVIRONMENT);
                return app;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep " + app + " (" + owner + ") in " + directory, e);
        }
    }

    /**
     * Destroys the kept apps made for {@code owner} under another name, and their records, unless
     * a run uses one. Called under {@code owner}'s lock.
     */
    private void removeFormer(Addons addons, String owner, String app) throws IOException {
        for (Path other : records()) {
            String former = appOf(other);
            if (!former.equals(app) && owner.equals(ownerOf(other))) {
                remove(addons, former, "the kept app of a former " + owner);
            }
        }
    }

    /**
     * Destroys, the first time it is called, the kept apps no run has used for
     * {@link #maxUnused}, each under its owner's lock, unless a run uses it now; a failure is
     * logged, as the run works without it. Called before the run opens its first set, so that a
     * shared server no app of the run holds a tenant on yet goes with its last kept app.
     */
    void removeUnusedOnce(Addons addons) {
        if (maxUnused == null || swept.getAndSet(true) || !Files.isDirectory(directory)) {
            return;
        }
        try {
            removeUnused(addons);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove the kept apps unused for {} in {}: {}", BackupPolicy.format(maxUnused),
                    directory, e.toString());
        }
    }

    private void removeUnused(Addons addons) throws IOException {
        for (Path record : records()) {
            String owner = ownerOf(record);
            if (owner == null || !unused(record)) {
                continue;
            }
            underOwnersLock(owner, () -> {
                // Looked at again under the lock: a run may have used it meanwhile.
                if (unused(record)) {
                    remove(addons, appOf(record), "unused for " + BackupPolicy.format(maxUnused) + " ("
                            + MAX_UNUSED_PARAMETER + ")");
                }
                return null;
            });
        }
    }

    /** Whether {@code record} is still there and no run has used its app for {@link #maxUnused}. */
    private boolean unused(Path record) throws IOException {
        try {
            return Files.getLastModifiedTime(record).toInstant().isBefore(Instant.now().minus(maxUnused));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Destroys the kept app {@code app} and deletes its record, holding its in-use file's exclusive
     * lock, unless a run (of this JVM or another) holds that file's shared lock: then it is left,
     * for a later run to remove. Called under its owner's lock.
     */
    private void remove(Addons addons, String app, String why) throws IOException {
        Path inUse = directory.resolve(app + IN_USE);
        synchronized (USED_IN_THIS_JVM) {
            if (USED_IN_THIS_JVM.containsKey(inUse)) {
                LOG.info("{} - left, though {}: a run of this JVM uses it", app, why);
                return;
            }
        }
        try (FileChannel channel = FileChannel.open(inUse, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                LOG.info("{} - left, though {}: a run in another JVM uses it; a later run removes it", app, why);
                return;
            }
            LOG.info("{} - removing {}", app, why);
            Files.deleteIfExists(directory.resolve(app + RECORD));
            destroy(addons, app);
            // Under the lock: every run takes its shared lock under the owner's lock, which is held here.
            Files.delete(inUse);
        }
    }

    /**
     * Has this run hold the shared lock on {@code app}'s in-use file until {@link #close()}, and
     * marks its record used now. Called under its owner's lock, after the app was found or made.
     */
    private void use(String app) throws IOException {
        Path inUse = directory.resolve(app + IN_USE);
        synchronized (USED_IN_THIS_JVM) {
            if (mine.add(inUse)) {
                Use use = USED_IN_THIS_JVM.get(inUse);
                if (use == null) {
                    FileChannel channel = FileChannel.open(inUse, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                    try {
                        use = new Use(channel, channel.lock(0, Long.MAX_VALUE, true));
                    } catch (IOException | RuntimeException e) {
                        channel.close();
                        mine.remove(inUse);
                        throw e;
                    }
                    USED_IN_THIS_JVM.put(inUse, use);
                }
                use.runs++;
            }
        }
        Files.setLastModifiedTime(directory.resolve(app + RECORD), FileTime.from(Instant.now()));
    }

    /** Lets go of the kept apps this run used: a later run may remove them once no other run uses them. */
    @Override
    public void close() {
        synchronized (USED_IN_THIS_JVM) {
            for (Path inUse : mine) {
                Use use = USED_IN_THIS_JVM.get(inUse);
                if (use != null && --use.runs == 0) {
                    USED_IN_THIS_JVM.remove(inUse);
                    try {
                        use.channel.close(); // releases the lock
                    } catch (IOException e) {
                        LOG.warn("Could not let go of {}: {}", inUse, e.toString());
                    }
                }
            }
            mine.clear();
        }
    }

    /** The records of kept apps in the directory. */
    private List<Path> records() throws IOException {
        try (Stream<Path> all = Files.list(directory)) {
            return all.filter(p -> p.getFileName().toString().endsWith(RECORD)).toList();
        }
    }

    private static String appOf(Path record) {
        String name = record.getFileName().toString();
        return name.substring(0, name.length() - RECORD.length());
    }

    /** What {@code record}'s app was made for, or {@code null} when it is gone. */
    private static String ownerOf(Path record) throws IOException {
        try {
            return Files.readString(record, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Runs {@code work} holding {@code owner}'s lock: the file lock that runs in other JVMs take,
     * and a lock of this JVM's threads on the same file, as a file lock is held per JVM.
     */
    private <T> T underOwnersLock(String owner, LockedWork<T> work) throws IOException {
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(ownerLock(owner), f -> new ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(ownerLock(owner), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            return work.run();
        } finally {
            local.unlock();
        }
    }

    /** What runs under an owner's lock. */
    @FunctionalInterface
    private interface LockedWork<T> {
        T run() throws IOException;
    }

    private Path ownerLock(String owner) {
        return directory.resolve(digest(owner) + ".lock");
    }

    /** A shared lock on an in-use file, and how many runs of this JVM hold it. */
    private static final class Use {
        private final FileChannel channel;
        @SuppressWarnings("unused") // held until the channel closes
        private final FileLock lock;
        private int runs;

        Use(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }

    private static void destroy(Addons addons, String app) {
        App handle = addons.app(app, AddonSet.ENVIRONMENT);
        for (AddonRecord r : handle.list()) {
            handle.destroy(r.addon(), FinalBackup.SKIP);
        }
    }

    /** {@code t-<slug>-<10 hex digits of key>}, at most 40 characters. */
    private static String name(String slug, String key) {
        String suffix = key.substring(0, 10);
        int room = APP_LENGTH - "t-".length() - "-".length() - suffix.length();
        String cut = slug.length() > room ? slug.substring(0, room).replaceAll("-+$", "") : slug;
        return "t-" + (cut.isEmpty() ? "" : cut + "-") + suffix;
    }

    /** The bytes of {@code type}'s class file, or {@code null} when its class loader has none. */
    private static byte[] code(Class<?> type) {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static String digest(String... parts) {
        return HexFormat.of().formatHex(sha256(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
