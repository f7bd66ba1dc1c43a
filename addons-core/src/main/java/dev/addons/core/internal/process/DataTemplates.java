package dev.addons.core.internal.process;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.internal.HomeLock;
import dev.addons.core.internal.PrivateFiles;
import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initialized, stopped data directories that new servers start from (see {@link DataTemplate}),
 * in {@code <home>/cache/templates}: one directory per key, named
 * {@code <engine>-<version>-<hash of the key>}, holding {@code data/}, the owner-only
 * {@code password} of the template's admin, and last the {@code complete} marker holding the full
 * key. A directory without that marker, or whose marker holds another key, is never copied.
 *
 * <p>A template is built under a lock on {@code <name>.lock} (held across threads and JVMs) in a
 * hidden directory beside it, which is renamed into place only once it is complete; so a reader
 * never sees half a template, two first starts build it once, and a JVM that dies while building
 * leaves a hidden directory the next build removes. Everything is owner-only. Thread-safe.
 */
final class DataTemplates {
    private static final Logger LOG = LoggerFactory.getLogger(DataTemplates.class);
    private static final String COMPLETE = "complete";
    private static final String PASSWORD = "password";
    private static final String LOCK_SUFFIX = ".lock";

    private final Path root;
    private final EngineUser user;
    private final AtomicInteger builds = new AtomicInteger();

    DataTemplates(Path root, EngineUser user) {
        this.root = root.toAbsolutePath().normalize();
        this.user = user;
    }

    /** A complete template: its data directory and its admin's password. {@link #toString()} redacts it. */
    record Template(Path directory, String password) {
        Path data() {
            return directory.resolve("data");
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
        Optional<Template> ready = complete(directory, key);
        if (ready.isPresent()) {
            return ready.get();
        }
        PrivateFiles.directory(root);
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

    /** The template in {@code directory} when its marker says it is complete for {@code key}. */
    private static Optional<Template> complete(Path directory, String key) throws IOException {
        Path marker = directory.resolve(COMPLETE);
        if (!Files.isRegularFile(marker) || !Files.readString(marker, StandardCharsets.UTF_8).equals(key)
                || !Files.isDirectory(directory.resolve("data"))) {
            return Optional.empty();
        }
        return Optional.of(new Template(directory, Files.readString(directory.resolve(PASSWORD),
                StandardCharsets.UTF_8)));
    }

    /**
     * Copies the template's data into {@code target}, an empty directory, keeping each file's
     * permissions, owner and times ({@code target} itself takes the template's permissions).
     */
    static void copy(Template template, Path target) throws IOException {
        Path source = template.data();
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
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
     * (so an upgrade in place makes a new key), and the recipe's own key.
     */
    static String key(ServerDefinition definition, DataTemplate template, ResolvedBinaries binaries)
            throws IOException {
        Path main = binaries.binary(binaries.distribution().requiredBinaries().get(0)).toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(main, BasicFileAttributes.class);
        return String.join("\n",
                "engine " + definition.engine() + " " + definition.version(),
                "binaries " + binaries.source() + " " + binaries.directories() + " " + binaries.version(),
                "main " + main + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis(),
                "recipe " + template.key());
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
