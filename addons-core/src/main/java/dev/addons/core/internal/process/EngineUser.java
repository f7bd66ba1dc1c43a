package dev.addons.core.internal.process;

import dev.addons.api.ProvisioningException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user engine processes and their tools run as. When this JVM runs as root, that is a
 * dedicated unprivileged system user, {@value #DEDICATED} (created when missing): every command
 * runs through {@code setpriv}, which sets its uid, gid and groups and execs it (so a started
 * process's pid is the engine's own), with no way to gain privileges back and an environment of
 * its own rather than this JVM's. The user owns its servers' directories and nothing else; it only
 * passes through the home and the binary cache, whose other files stay private to root.
 * Otherwise engines run as this JVM's own user and nothing changes hands.
 *
 * <p>Immutable and thread-safe.
 */
final class EngineUser {
    private static final Logger LOG = LoggerFactory.getLogger(EngineUser.class);
    /** The system user engines run as when this JVM runs as root. */
    static final String DEDICATED = "addons";
    /** What a dedicated user's commands keep of this JVM's environment (besides their own variables). */
    private static final Set<String> KEPT_ENVIRONMENT = Set.of("PATH", "LANG", "LANGUAGE", "TZ");
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Set<PosixFilePermission> PASS_THROUGH = EnumSet.of(PosixFilePermission.OTHERS_EXECUTE);

    private final String name;
    private final int uid;
    private final int gid;
    private final boolean dedicated;

    private EngineUser(String name, int uid, int gid, boolean dedicated) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.dedicated = dedicated;
    }

    /** Engines run as this JVM's own user. */
    static EngineUser currentUser() {
        return new EngineUser(System.getProperty("user.name"), -1, -1, false);
    }

    /** Engines run as the user {@code name}, whose ids are {@code uid} and {@code gid}. */
    static EngineUser dedicated(String name, int uid, int gid) {
        if (uid == 0) {
            throw new IllegalArgumentException("engines never run as root, and '" + name + "' has uid 0");
        }
        return new EngineUser(name, uid, gid, true);
    }

    /** The right choice for this JVM: the dedicated user, made if need be, when it runs as root. */
    static EngineUser forThisProcess() {
        EngineUser user = effectiveUid() == 0 ? systemUser(DEDICATED) : currentUser();
        LOG.debug("Engine processes run as {}", user);
        return user;
    }

    /** Whether commands run as another user than this JVM's. */
    boolean isDedicated() {
        return dedicated;
    }

    /** {@code command} as run by this user. */
    List<String> wrap(List<String> command) {
        if (!dedicated) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--no-new-privs", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Gives a command of this user's its environment: a dedicated user's keeps only the search path
     * and the locale of this JVM's (no secret of the JVM's reaches it), with {@code home} as its home.
     */
    void environment(Map<String, String> environment, Path home) {
        if (!dedicated) {
            return;
        }
        environment.keySet().removeIf(key -> !KEPT_ENVIRONMENT.contains(key) && !key.startsWith("LC_"));
        environment.put("HOME", home.toString());
        environment.put("USER", name);
        environment.put("LOGNAME", name);
    }

    /** Makes {@code path} and everything under it this user's, never following a link; nothing to do for the JVM's own user. */
    void own(Path path) throws IOException {
        own(path, null);
    }

    /**
     * Like {@link #own(Path)}, except inside {@code copied}, a directory under {@code path} (or
     * {@code null}) that is a copy of a template this user owns, made by a copy that keeps each
     * file's owner: when its top is this user's, what it holds is too, and it is not walked (a
     * PostgreSQL data directory holds 1300 files, whose walk took 26 ms of a start here). A copy
     * whose top is another's (the user made anew since the template) is walked as the rest is.
     */
    void own(Path path, Path copied) throws IOException {
        if (!dedicated || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
                    throws IOException {
                if (directory.equals(copied) && isOwned(directory)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                chown(directory);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                chown(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private boolean isOwned(Path path) throws IOException {
        Map<String, Object> owner = Files.readAttributes(path, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        return owner.get("uid").equals(uid) && owner.get("gid").equals(gid);
    }

    private void chown(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Lets this user pass through {@code top} and every directory under it down to
     * {@code directory}, all made by this JVM (the home, its {@code servers}, the cache): they get
     * the others' execute bit, so the user can reach what it owns inside while listing and reading
     * nothing else. Then checks that the user can reach {@code directory} from {@code /}, and
     * refuses naming the directory on the way that stops it.
     */
    void passThrough(Path top, Path directory) throws IOException {
        if (!dedicated) {
            return;
        }
        Path from = top.toAbsolutePath().normalize();
        Path to = directory.toAbsolutePath().normalize();
        if (!to.startsWith(from)) {
            throw new IllegalArgumentException(to + " is not under " + from);
        }
        for (Path at = to; at.startsWith(from); at = at.getParent()) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(at, LinkOption.NOFOLLOW_LINKS);
            if (!mode.containsAll(PASS_THROUGH)) {
                Set<PosixFilePermission> passable = EnumSet.copyOf(mode);
                passable.addAll(PASS_THROUGH);
                Files.setPosixFilePermissions(at, passable);
            }
            if (at.equals(from)) {
                break;
            }
        }
        Optional<String> blocked = whyUnreachable(to);
        if (blocked.isPresent()) {
            throw new ProvisioningException("Engines run as the unprivileged user '" + name + "' when addons runs as "
                    + "root, and it cannot reach " + to + ": " + blocked.get() + ". Choose a home and a cache it can "
                    + "pass through (as root, by default: /var/lib/addons and /var/cache/addons), or give it that "
                    + "directory's execute permission.");
        }
    }

    /** Why this user cannot pass through every directory from {@code /} to {@code directory}, if it cannot. */
    Optional<String> whyUnreachable(Path directory) throws IOException {
        Path at = directory.getRoot();
        for (Path part : directory) {
            at = at.resolve(part);
            int mode = (Integer) Files.getAttribute(at, "unix:mode");
            int owner = (Integer) Files.getAttribute(at, "unix:uid");
            int group = (Integer) Files.getAttribute(at, "unix:gid");
            boolean passes = owner == uid ? (mode & 0100) != 0 : group == gid ? (mode & 0010) != 0 : (mode & 0001) != 0;
            if (!passes) {
                return Optional.of(at + " (mode " + String.format("%04o", mode & 07777) + ", owner uid " + owner
                        + ") is closed to it");
            }
        }
        return Optional.empty();
    }

    /** The system user {@code name}, made (with a group of its own, no home, no login) when missing. */
    static EngineUser systemUser(String name) {
        Optional<EngineUser> found = lookUp(name);
        if (found.isPresent()) {
            return found.get();
        }
        LOG.info("Creating the system user '{}' that engines run as", name);
        String failure = run(List.of("useradd", "--system", "--user-group", "--no-create-home",
                "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "addons engines", name));
        // Another process may have made it meanwhile: what counts is that it exists now.
        return lookUp(name).orElseThrow(() -> new ProvisioningException("Engines run as the unprivileged user '"
                + name + "' when addons runs as root, and it could not be created (useradd: " + failure
                + "). Create it, e.g. 'useradd --system --user-group --no-create-home " + name + "'."));
    }

    /**
     * The user {@code name} from {@code /etc/passwd}, where {@code useradd} puts a system user, else
     * from {@code getent} (every source the name service reads: LDAP, systemd's...). Reading the
     * file first spares every command a process start (3-5 ms of its time here).
     */
    private static Optional<EngineUser> lookUp(String name) {
        Optional<EngineUser> local = entry(name, PASSWD);
        return local.isPresent() ? local : parse(name, run(List.of("getent", "passwd", name)));
    }

    /** The user {@code name} as the passwd file {@code file} has it; nothing when it has none or cannot be read. */
    static Optional<EngineUser> entry(String name, Path file) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.startsWith(name + ":")).findFirst().flatMap(line -> parse(name, line));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The user {@code name} from a passwd line ({@code name:x:uid:gid:...}); nothing when it is not one. */
    private static Optional<EngineUser> parse(String name, String line) {
        String[] fields = line.split(":");
        if (fields.length < 4 || !fields[0].equals(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(dedicated(name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The command's output, or its error output when it fails; never throws. */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return command.get(0) + " did not finish within 30 s";
            }
            return output;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Who owns what this user's commands write, e.g. {@code uid 998 gid 998}: part of a data template's key. */
    String identity() {
        return dedicated ? "uid " + uid + " gid " + gid : "uid " + effectiveUid();
    }

    static long effectiveUid() {
        return dev.addons.core.internal.EffectiveUser.uid();
    }

    @Override
    public String toString() {
        return dedicated ? "the unprivileged user '" + name + "' (uid " + uid + ")" : "the current user";
    }
}
