package dev.addons.core.internal.process;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.internal.HomeLock;
import dev.addons.core.internal.PrivateFiles;
import dev.addons.core.internal.TrustedDirectory;
import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initialized, stopped data directories that new servers start from (see {@link DataTemplate}),
 * in {@code <cache>/templates} of the binary cache, which every home using that cache shares (so a
 * new home, e.g. each test run's, starts on a template built once, not on a new initdb): one
 * directory per key, named
 * {@code <engine>-<version>-<hash of the key>}, holding {@code data/}, the owner-only
 * {@code password} of the template's admin, and last the {@code complete} marker holding the full
 * key. A directory without that marker, or whose marker holds another key, is never copied. The
 * key names the binaries (see {@link #key}) and the user engines run as, who owns the template's
 * files. The template password is no server's: each server is given its own at its start (see
 * {@link dev.addons.api.spi.ProcessRecipe.Rekey}), so whoever reads the cache learns no server's password.
 *
 * <p>A template is built under a lock on {@code <name>.lock} (held across threads and JVMs) in a
 * hidden directory beside it, which is renamed into place only once it is complete; so a reader
 * never sees half a template, two first starts build it once, and a JVM that dies while building
 * leaves a hidden directory the next build removes. Everything is owner-only.
 *
 * <p>Spares: copying a template is most of a new server's start (PostgreSQL's is about a thousand
 * files, 40 MB: 0.1-0.7 s here, against 0.15 s for the engine's own start), so after a server
 * started from a template is ready, one background thread (per instance) copies the template
 * once more, into {@code <template>/spares/}, and the next start takes that copy by a rename
 * ({@link #takeSpare}) instead of copying. Each template keeps up to {@code spares} copies (0
 * turns spares off). A spare is made under the template's lock in a hidden directory and renamed
 * into place only once complete, so a spare is never half a copy, and a hidden one left by a JVM
 * that died is removed by the next spare made; two JVMs never take the same spare (only one
 * rename of it can succeed). Spares go with their template (a rebuild or {@link #clear()}), and
 * {@link #close()} stops the copying, leaving no half copy. Like the copies made at a start, a
 * spare is not forced to disk: the engine's own checkpoints do not write files it has not
 * changed, so a machine crash right after a start can lose what the page cache held. Spares are
 * files, so a later process (another command, another home on the same cache) takes them too;
 * when the cache and the home are on different file systems a spare cannot be renamed into the
 * home, and none is made. With {@code sparesAfterExit} (a program busy until it exits: a command,
 * whose thread would never finish a copy, or a test run, whose work a copy made meanwhile slows
 * for the sake of the next program) {@link #close()} hands the spares its starts asked for to
 * detached low-priority copiers ({@code cp -a}, then a rename) that outlive the JVM and are no
 * children of it ({@link Detached}: its exit would wait for them); a template whose spare is
 * asked for a second time (the program starts another server of it) gets its copier at once.
 * A copier's pid is in its hidden directory's name, so that a later maker counts it instead of
 * deleting it. Thread-safe.
 */
final class DataTemplates {
    private static final Logger LOG = LoggerFactory.getLogger(DataTemplates.class);
    private static final String COMPLETE = "complete";
    private static final String PASSWORD = "password";
    private static final String LOCK_SUFFIX = ".lock";
    private static final String SPARES = "spares";
    private static final String MAKING_PREFIX = ".making-";
    /**
     * A detached copier's script: {@code $1} the template's data, {@code $2} its spares, {@code $3}
     * the spare's name. The hidden name carries the copier's pid; the rename is the completion.
     */
    private static final String COPIER = "d=\"$2/.making-$$-$3\"; cp -a -- \"$1\" \"$d\" && mv -T -- \"$d\" \"$2/$3\""
            + " && exit 0; rm -rf -- \"$d\"; exit 1";
    /** How long {@link #close()} waits for a spare being copied to be abandoned and deleted. */
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final Path root;
    private final Path passFrom;
    private final EngineUser user;
    private final int spares;
    private final boolean sparesAfterExit;
    /** The templates whose spares {@link #close()} hands to detached copiers (with {@code sparesAfterExit}). */
    private final Set<Template> handOff = new LinkedHashSet<>();
    /** The detached copiers started: for tests. */
    private final List<ProcessHandle> copiers = new CopyOnWriteArrayList<>();
    /** Set once a spare could not be renamed into a server's directory (another file system): then no more are made. */
    private volatile boolean sparesUnusable;
    /** Checked once: the templates' directory and the cache holding it are this user's alone. */
    private volatile boolean trusted;
    private final AtomicInteger builds = new AtomicInteger();
    private final AtomicInteger sparesMade = new AtomicInteger();
    private final AtomicInteger sparesTaken = new AtomicInteger();
    private volatile boolean closed;
    private ExecutorService spareMaker;

    /**
     * Templates under {@code root}, each keeping up to {@code spares} copies made ahead (0: none).
     *
     * @param root               the templates' directory, {@code templates} in the binary cache
     * @param passFrom           the directory from which the engine user is let pass down to {@code root}
     *                           (the home when the cache is inside it, else the cache)
     * @param sparesAfterExit    whether spares are made by detached copiers, which outlive this JVM,
     *                           started at {@link #close()} (or at once for a template asked again),
     *                           instead of by a thread of it
     */
    DataTemplates(Path root, Path passFrom, EngineUser user, int spares, boolean sparesAfterExit) {
        if (spares < 0) {
            throw new IllegalArgumentException("spares < 0: " + spares);
        }
        this.root = root.toAbsolutePath().normalize();
        this.passFrom = passFrom.toAbsolutePath().normalize();
        if (!this.root.startsWith(this.passFrom)) {
            throw new IllegalArgumentException(this.root + " is not under " + this.passFrom);
        }
        this.user = user;
        this.spares = spares;
        this.sparesAfterExit = sparesAfterExit;
    }

    /** A complete template: its data directory and its admin's password. {@link #toString()} redacts it. */
    record Template(Path directory, String password) {
        Path data() {
            return directory.resolve("data");
        }

        Path spares() {
            return directory.resolve(SPARES);
        }

        @Override
        public String toString() {
            return "Template[" + directory + ", password=<redacted>]";
        }
    }

    /**
     * The complete template of {@code template}'s key for these binaries, built first (by
     * {@code template}'s initializer, with a new random password) when there is none.
     */
    Template obtain(String serverId, ServerDefinition definition, DataTemplate template, ResolvedBinaries binaries,
            ProgressListener progress) throws IOException, InterruptedException {
        String key = key(definition, template, binaries);
        String name = definition.engine() + "-" + definition.version().replaceAll("[^A-Za-z0-9.]", "_") + "-"
                + sha256(key).substring(0, 16);
        Path directory = root.resolve(name);
        requireTrusted();
        Optional<Template> ready = complete(directory, key);
        if (ready.isPresent()) {
            return ready.get();
        }
        PrivateFiles.directory(root);
        // The engine user builds in here: it passes through from the home or the cache down.
        user.passThrough(passFrom, root);
        try {
            return HomeLock.with(root.resolve(name + LOCK_SUFFIX), () -> {
                try {
                    // Another thread or JVM may have built it while this one waited for the lock.
                    Optional<Template> built = complete(directory, key);
                    return built.isPresent() ? built.get()
                            : build(serverId, definition, template, binaries, directory, key, progress);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProvisioningException("Interrupted while building the template " + directory, e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Template build(String serverId, ServerDefinition definition, DataTemplate template,
            ResolvedBinaries binaries, Path directory, String key, ProgressListener progress)
            throws IOException, InterruptedException {
        String name = directory.getFileName().toString();
        // Under the lock nobody else works on this key: what is there is incomplete or left by a dead JVM.
        ServerDirectories.deleteRecursively(directory);
        for (Path leftover : builds(name)) {
            ServerDirectories.deleteRecursively(leftover);
        }
        Path build = root.resolve("." + name + ".build-" + UUID.randomUUID());
        progress.step(serverId, "building a template of " + definition.engine() + " " + definition.version()
                + " in " + directory);
        long begin = System.nanoTime();
        ServerDirectories directories = new ServerDirectories(build).create();
        try {
            String password = Secrets.password();
            DefaultProcessContext context = new DefaultProcessContext(serverId, binaries, directories,
                    new Endpoint(PortAllocator.LOOPBACK_HOST, PortAllocator.freePort()), Map.of(), user,
                    definition.startTimeout());
            template.initializer().initialize(context, password);
            ServerDirectories.deleteRecursively(directories.run());
            Files.deleteIfExists(directories.engineFile());
            PrivateFiles.write(build.resolve(PASSWORD), password.getBytes(StandardCharsets.UTF_8));
            // Last: its presence says everything else is there.
            PrivateFiles.write(build.resolve(COMPLETE), key.getBytes(StandardCharsets.UTF_8));
            Files.move(build, directory, StandardCopyOption.ATOMIC_MOVE);
            builds.incrementAndGet();
            LOG.info("{} - Built the template {} in {} ms", serverId, directory, (System.nanoTime() - begin) / 1_000_000);
            return new Template(directory, password);
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                ServerDirectories.deleteRecursively(build);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ProvisioningException) {
                // A start reports a failure's first line, and the tool's output that says why (a
                // full disk...) is in the build's own log, deleted with it: keep it on that line.
                throw new ProvisioningException("building the template " + name + " failed: " + String.join(" | ",
                        e.getMessage().lines().map(String::strip).filter(line -> !line.isEmpty()).toList()), e);
            }
            throw e;
        }
    }

    /**
     * Refuses templates another user could have written (they decide what every server starts
     * on): {@code root} and the cache holding it must be this user's alone, as the binaries' are.
     */
    private void requireTrusted() throws IOException {
        if (trusted) {
            return;
        }
        for (Path dir = root; dir != null && dir.startsWith(root.getParent()); dir = dir.getParent()) {
            if (Files.isDirectory(dir)) {
                Optional<String> why = TrustedDirectory.whyNot(dir, "The template cache");
                if (why.isPresent()) {
                    throw new ProvisioningException(why.get() + ". Or choose another cache (ADDONS_CACHE, "
                            + "Addons.builder().cache(...)).");
                }
            }
        }
        trusted = Files.isDirectory(root);
    }

    /** The template in {@code directory} when its marker says it is complete for {@code key}. */
    private static Optional<Template> complete(Path directory, String key) throws IOException {
        Path marker = directory.resolve(COMPLETE);
        Path password = directory.resolve(PASSWORD);
        // A template damaged since (its data or password gone, e.g. a cache cleaned by hand) is built again.
        if (!Files.isRegularFile(marker) || !Files.readString(marker, StandardCharsets.UTF_8).equals(key)
                || !Files.isDirectory(directory.resolve("data")) || !Files.isRegularFile(password)) {
            return Optional.empty();
        }
        String read = Files.readString(password, StandardCharsets.UTF_8);
        return read.isEmpty() ? Optional.empty() : Optional.of(new Template(directory, read));
    }

    /**
     * Copies the template's data into {@code target}, an empty directory, keeping each file's
     * permissions, owner and times ({@code target} itself takes the template's permissions).
     */
    static void copy(Template template, Path target) throws IOException {
        copy(template, target, () -> false);
    }

    /** {@link #copy(Template, Path)}, giving up with an {@link IOException} as soon as {@code abandon} says so. */
    private static void copy(Template template, Path target, BooleanSupplier abandon) throws IOException {
        Path source = template.data();
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (abandon.getAsBoolean()) {
                    throw new IOException("copy of " + source + " to " + target + " abandoned");
                }
                Path destination = target.resolve(source.relativize(path).toString());
                if (path.equals(source)) {
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
                } else {
                    // A directory is created empty with the source's attributes; a link is copied as a link.
                    Files.copy(path, destination, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Puts a spare copy of {@code template}'s data in place of {@code target}, an empty directory,
     * by a rename; false when there is no spare to take (then {@code target} is left as it was).
     */
    boolean takeSpare(Template template, Path target) throws IOException {
        List<Path> ready;
        try (Stream<Path> listed = Files.list(template.spares())) {
            ready = listed.filter(path -> !path.getFileName().toString().startsWith(".")).toList();
        } catch (NoSuchFileException e) {
            return false;
        }
        for (Path spare : ready) {
            try {
                // rename(2) replaces an empty directory.
                Files.move(spare, target, StandardCopyOption.ATOMIC_MOVE);
                sparesTaken.incrementAndGet();
                return true;
            } catch (NoSuchFileException e) {
                // Another start, maybe in another JVM, took it first.
            } catch (AtomicMoveNotSupportedException e) {
                // The cache and the home are on different file systems: a spare would have to be
                // copied anyway, so the template is copied and no more spares are made.
                LOG.debug("{} - Spares of {} cannot be renamed into {}: none are made", root, template, target);
                sparesUnusable = true;
                return false;
            }
        }
        return false;
    }

    /**
     * Has the background thread bring {@code template}'s spares up to their number, unless that
     * is 0 or this is closed; returns at once. A failure is logged: the next start copies instead.
     * With {@code sparesAfterExit}, the template is noted the first time, and {@link #close()}
     * hands its spares to a detached copier; asked again (this program starts another server of
     * it), the background thread starts a detached copier at once.
     */
    void replenish(String serverId, Template template) {
        if (spares == 0 || closed || sparesUnusable) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            // The first spare of a template goes to close(); one asked for again means this program
            // starts more servers of it: a detached copier makes it now, as the next start will want it.
            if (sparesAfterExit && handOff.add(template)) {
                return;
            }
            if (spareMaker == null) {
                spareMaker = Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "addons-template-spares");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            spareMaker.execute(() -> makeSpares(serverId, template, sparesAfterExit));
        }
    }

    /** Brings {@code template}'s spares up to their number, here or (when {@code detached}) by copiers of their own. */
    private void makeSpares(String subject, Template template, boolean detached) {
        String name = template.directory().getFileName().toString();
        try {
            HomeLock.with(root.resolve(name + LOCK_SUFFIX), () -> {
                try {
                    makeSparesLocked(template, detached);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } catch (RuntimeException e) {
            if (closed && !detached) {
                LOG.debug("{} - Stopped making a spare copy of {}: closed", subject, name);
            } else {
                LOG.warn("{} - Could not make a spare copy of the template {} (the next start copies it instead): {}",
                        subject, name, e.getCause() != null ? e.getCause() : e);
            }
        }
    }

    private void makeSparesLocked(Template template, boolean detached) throws IOException {
        // Cleared or rebuilt meanwhile: the spares of what is there now come with its next start.
        if (!Files.isRegularFile(template.directory().resolve(COMPLETE))) {
            return;
        }
        Path directory = template.spares();
        PrivateFiles.directory(directory);
        int ready = 0;
        try (Stream<Path> listed = Files.list(directory)) {
            for (Path entry : (Iterable<Path>) listed::iterator) {
                String entryName = entry.getFileName().toString();
                if (!entryName.startsWith(".")) {
                    ready++;
                } else if (copierAlive(entryName)) {
                    ready++; // a detached copier at work: its spare is on its way
                } else {
                    // Under the lock no thread of this JVM is making one: a process that died left it.
                    ServerDirectories.deleteRecursively(entry);
                }
            }
        }
        for (; ready < spares && (detached || !closed); ready++) {
            if (detached) {
                startCopier(template);
                continue;
            }
            long begin = System.nanoTime();
            String id = UUID.randomUUID().toString();
            Path making = directory.resolve(MAKING_PREFIX + ProcessHandle.current().pid() + "-" + id);
            Files.createDirectory(making, ServerDirectories.PRIVATE_DIRECTORY);
            try {
                copy(template, making, () -> closed);
                Files.move(making, directory.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                try {
                    ServerDirectories.deleteRecursively(making);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            synchronized (sparesMade) {
                sparesMade.incrementAndGet();
                sparesMade.notifyAll();
            }
            LOG.debug("Made a spare copy of {} in {} ms", template.directory().getFileName(),
                    (System.nanoTime() - begin) / 1_000_000);
        }
    }

    /**
     * Whether a hidden entry of the spares is being made by a live process other than this JVM:
     * {@code .making-<pid>-<id>}, by a detached copier (or another JVM, which holds the lock then).
     */
    private static boolean copierAlive(String hidden) {
        if (!hidden.startsWith(MAKING_PREFIX)) {
            return false;
        }
        String rest = hidden.substring(MAKING_PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Starts a copier that makes one spare of {@code template} and outlives this JVM: {@code cp -a}
     * into {@code .making-<its pid>-<id>}, renamed to {@code <id>} once complete (deleted on
     * failure), in a session of its own, at low priority, with no tie to this process's terminal
     * or output. Its pid in the name tells a later maker it is still at work (see {@link #copierAlive}).
     */
    private void startCopier(Template template) throws IOException {
        Optional<ProcessHandle> copier;
        try {
            copier = Detached.start(new ProcessBuilder("setsid", "nice", "-n", "10", "sh", "-c", COPIER,
                    "addons-spare-copier", template.data().toString(), template.spares().toString(),
                    UUID.randomUUID().toString()), Path.of("/dev/null"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting a copier", e);
        }
        copier.ifPresent(copiers::add);
        LOG.debug("{} - A detached copier (pid {}) makes a spare of {}", root,
                copier.map(p -> Long.toString(p.pid())).orElse("gone already"), template.directory().getFileName());
    }

    /**
     * Stops making spares: a copy under way is abandoned and deleted before this returns (waiting
     * up to 30 s). Spares already made stay for the next runtime on this cache. With
     * {@code sparesAfterExit}, the spares that starts asked for are handed to detached copiers
     * (see {@link #startCopier}), which this does not wait for. Idempotent.
     */
    void close() {
        ExecutorService maker;
        List<Template> pending;
        synchronized (this) {
            closed = true;
            maker = spareMaker;
            pending = List.copyOf(handOff);
            handOff.clear();
        }
        for (Template template : pending) {
            makeSpares(root.toString(), template, true);
        }
        if (maker == null) {
            return;
        }
        maker.shutdown();
        try {
            if (!maker.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{} - A spare copy of a template was still being made after {} s", root, CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the detached copiers this instance started, and those the background thread was
     * asked to start, to end; false when {@code timeout} passed first. For tests.
     */
    boolean awaitCopiers(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecutorService maker;
        synchronized (this) {
            maker = closed ? null : spareMaker; // closed: close() waited for it
        }
        if (maker != null) {
            try {
                // One thread, in order: once this runs, what was asked before it has run.
                maker.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return false;
            }
        }
        for (ProcessHandle copier : copiers) {
            if (!ProcessControl.awaitExit(copier, java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Deletes every template, each under its lock so that no build is cut short; returns how
     * many there were. A server starting at the same time may fail to copy the one it found.
     */
    int clear() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<String> names;
        try (Stream<Path> listed = Files.list(root)) {
            names = listed.map(path -> path.getFileName().toString()).filter(file -> file.endsWith(LOCK_SUFFIX))
                    .map(file -> file.substring(0, file.length() - LOCK_SUFFIX.length())).sorted().toList();
        }
        int cleared = 0;
        for (String name : names) {
            Path directory = root.resolve(name);
            boolean present = Files.exists(directory);
            try {
                HomeLock.with(root.resolve(name + LOCK_SUFFIX), () -> {
                    try {
                        ServerDirectories.deleteRecursively(directory);
                        for (Path leftover : builds(name)) {
                            ServerDirectories.deleteRecursively(leftover);
                        }
                        return null;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            cleared += present ? 1 : 0;
        }
        LOG.info("{} - Cleared {} template(s)", root, cleared);
        return cleared;
    }

    /** How many templates this instance has built: for tests. */
    int builds() {
        return builds.get();
    }

    /**
     * Waits until this instance has made {@code count} spares in all; false when {@code timeout}
     * passed first. For tests.
     */
    boolean awaitSparesMade(int count, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sparesMade) {
            while (sparesMade.get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(sparesMade, left);
            }
            return true;
        }
    }

    /** How many spares this instance has taken: for tests. */
    int sparesTaken() {
        return sparesTaken.get();
    }

    Path root() {
        return root;
    }

    private List<Path> builds(String name) throws IOException {
        try (Stream<Path> listed = Files.list(root)) {
            return listed.filter(path -> path.getFileName().toString().startsWith("." + name + ".build-")).toList();
        }
    }

    /**
     * Everything a template depends on, one item a line: the engine and version, the binaries'
     * source, directories and probed version, the main binary's path, size and modification time
     * (so an upgrade in place makes a new key), the recipe's own key and the user engines run as.
     */
    String key(ServerDefinition definition, DataTemplate template, ResolvedBinaries binaries) throws IOException {
        Path main = binaries.binary(binaries.distribution().requiredBinaries().get(0)).toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(main, BasicFileAttributes.class);
        return String.join("\n",
                "engine " + definition.engine() + " " + definition.version(),
                "binaries " + binaries.source() + " " + binaries.directories() + " " + binaries.version(),
                "main " + main + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis(),
                "recipe " + template.key(),
                // The template's files are the engine user's: another one could not start on a copy.
                "user " + user.identity());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
