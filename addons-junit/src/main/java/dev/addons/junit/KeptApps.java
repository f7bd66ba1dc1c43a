package dev.addons.junit;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.FinalBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
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
 * its former key destroyed. A kept app without its record, or whose addons are not all active
 * (its server died, the machine restarted), is destroyed and made again.
 *
 * <p>Runs in other JVMs on the same home take turns per template class (or shared server) by a
 * file lock, and threads of this JVM by a lock of their own on the same file, as a file lock is
 * held per JVM. Thread-safe.
 */
final class KeptApps {
    /** The configuration parameter (or system property) that turns keeping on. */
    static final String PARAMETER = "addons.junit.reuse";
    private static final Logger LOG = LoggerFactory.getLogger(KeptApps.class);
    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final String RECORD = ".kept";
    private static final int APP_LENGTH = 40;

    private final Path directory;

    KeptApps(Path home) {
        this.directory = home.resolve("junit");
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
     * destroyed. Returns {@code null} when the template's code cannot be read, so its key could
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
            Path lockFile = directory.resolve(digest(owner) + ".lock");
            ReentrantLock local = IN_THIS_JVM.computeIfAbsent(lockFile, f -> new ReentrantLock());
            local.lock();
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                App handle = addons.app(app, AddonSet.ENVIRONMENT);
                List<AddonRecord> records = handle.list();
                if (Files.exists(record) && records.size() == declaration.specs().size()
                        && records.stream().allMatch(r -> r.status() == Status.ACTIVE)) {
                    LOG.debug("{} - kept from an earlier run ({})", app, owner);
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
                LOG.info("{} - kept for later runs ({}); remove it with: addons --home {} destroy <addon> -a {}"
                        + " --env {} --no-backup", app, owner, addons.home(), app, AddonSet.ENVIRONMENT);
                return app;
            } finally {
                local.unlock();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep " + app + " (" + owner + ") in " + directory, e);
        }
    }

    /** Destroys the kept apps made for {@code owner} under another name, and their records. */
    private void removeFormer(Addons addons, String owner, String app) throws IOException {
        List<Path> records;
        try (Stream<Path> all = Files.list(directory)) {
            records = all.filter(p -> p.getFileName().toString().endsWith(RECORD)).toList();
        }
        for (Path other : records) {
            String name = other.getFileName().toString();
            String former = name.substring(0, name.length() - RECORD.length());
            if (!former.equals(app) && Files.readString(other, StandardCharsets.UTF_8).strip().equals(owner)) {
                LOG.info("{} - removing the kept app of a former {}", former, owner);
                Files.delete(other);
                destroy(addons, former);
            }
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
