package dev.addons.core.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who listens on this host's TCP ports, from the kernel's tables ({@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: the inode of each listening socket) and the processes' open files
 * ({@code /proc/<pid>/fd}, whose links read {@code socket:[<inode>]}). Reads the network
 * namespace of this JVM, which is the one the process runtime's engines run in. Stateless;
 * thread-safe.
 */
public final class PortOwners {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** {@code st} of a listening socket in the kernel's tables. */
    private static final String LISTEN = "0A";

    private PortOwners() {
    }

    /**
     * A port a server was started on: its number, its name among the recipe's extra ports (empty
     * for the main port) and whether a helper outside the engine's process tree may serve it
     * (e.g. an Erlang node's {@code epmd}), in which case only a listener is looked for.
     */
    public record Port(int number, String name, boolean helper) {
        public Port {
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("port out of range: " + number);
            }
            java.util.Objects.requireNonNull(name, "name == null");
        }

        /** The server's main port, which its engine serves. */
        public static Port main(int number) {
            return new Port(number, "", false);
        }

        /** {@code port 5672}, or {@code port 15672 (management)} for an extra port. */
        String describe() {
            return "port " + number + (name.isEmpty() ? "" : " (" + name + ")");
        }
    }

    /** Another program listens on a port a server was started on. */
    public static final class Taken extends Exception {
        private static final long serialVersionUID = 1L;
        private final int port;
        private final OptionalLong pid;

        Taken(Port port, OptionalLong pid) {
            super(port.describe() + " is listened on by another program"
                    + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "") + ", not by the server started on it",
                    null, false, false);
            this.port = port.number();
            this.pid = pid;
        }

        public int port() {
            return port;
        }

        /** The other program's process id, when this JVM may read its open files. */
        public OptionalLong pid() {
            return pid;
        }
    }

    /**
     * Like {@link #whyNotOnlyListener(List, ProcessHandle)} for ports that {@code engine} serves
     * itself, named by number alone.
     */
    public static Optional<String> whyNotOnlyListener(Collection<Integer> ports, ProcessHandle engine)
            throws Taken, IOException {
        return whyNotOnlyListener(ports.stream().map(Port::main).toList(), engine);
    }

    /**
     * Whether a readiness check, which may carry the admin's password, may be sent to the server
     * {@code engine} started on {@code ports}: empty when every socket listening on a port the
     * engine serves is {@code engine}'s (or its descendants'), a port nobody listens on yet
     * counting as such (a connection to it is refused, so nothing can be sent to anyone), and
     * something listens on each {@linkplain Port#helper() helper} port, whoever it is; else why
     * not yet (a helper port nobody listens on yet, or a listener whose owner cannot be told right
     * now, e.g. a process this JVM may not look into).
     *
     * @throws Taken when another process, found by its open files, listens on a port the engine serves
     * @throws IOException when the kernel's tables cannot be read (not Linux)
     */
    public static Optional<String> whyNotOnlyListener(List<Port> ports, ProcessHandle engine)
            throws Taken, IOException {
        List<String> table = tables();
        Set<Long> own = null;
        Optional<String> notYet = Optional.empty();
        // Every port is looked at, also after one that is not ready yet: another program on any of
        // them ends the start at once rather than once the others are ready.
        for (Port port : ports) {
            Set<Long> listening = listeningInodes(table, port.number());
            if (port.helper()) {
                if (listening.isEmpty() && notYet.isEmpty()) {
                    notYet = Optional.of("nothing listens on " + port.describe() + ", which a helper serves, yet");
                }
                continue;
            }
            if (listening.isEmpty()) {
                continue;
            }
            if (own == null) {
                own = socketsOf(engine);
            }
            for (long inode : listening) {
                if (own.contains(inode)) {
                    continue;
                }
                OptionalLong holder = holderOf(inode);
                if (holder.isPresent() && !isOfTree(holder.getAsLong(), engine)) {
                    throw new Taken(port, holder);
                }
                if (notYet.isEmpty()) {
                    notYet = Optional.of("the socket listening on " + port.describe()
                            + " is not yet seen among the server's");
                }
            }
        }
        return notYet;
    }

    /** The lines of {@code /proc/net/tcp} and {@code /proc/net/tcp6}. */
    static List<String> tables() throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (Path table : TABLES) {
            try {
                lines.addAll(Files.readAllLines(table));
            } catch (NoSuchFileException e) {
                // No IPv6 in this kernel.
            }
        }
        return lines;
    }

    /**
     * The inodes of the sockets listening on {@code port}, on any address, in lines of the kernel's
     * tables ({@code "  0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000
     * 0 0 12345 1 ..."}: local address and port in hex, state, ..., uid, timeout, inode). Header
     * lines and lines of other ports or states are skipped.
     */
    static Set<Long> listeningInodes(List<String> lines, int port) {
        Set<Long> inodes = new HashSet<>();
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10 || !fields[3].equals(LISTEN)) {
                continue;
            }
            int colon = fields[1].lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            try {
                if (Integer.parseInt(fields[1].substring(colon + 1), 16) == port) {
                    inodes.add(Long.parseLong(fields[9]));
                }
            } catch (NumberFormatException e) {
                // the header line, or a format this reader does not know: not a listener of this port
            }
        }
        return inodes;
    }

    /** The socket inodes {@code process} and its descendants hold open. */
    static Set<Long> socketsOf(ProcessHandle process) {
        Set<Long> sockets = new HashSet<>(socketsOf(process.pid()));
        try (Stream<ProcessHandle> descendants = process.descendants()) {
            descendants.forEach(child -> sockets.addAll(socketsOf(child.pid())));
        }
        return sockets;
    }

    /** The socket inodes the process {@code pid} holds open; none when it is gone or unreadable. */
    static Set<Long> socketsOf(long pid) {
        Set<Long> sockets = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                socketInode(fd).ifPresent(sockets::add);
            }
        } catch (IOException | RuntimeException e) {
            // Gone, or not ours to read: it holds nothing we can vouch for.
        }
        return sockets;
    }

    /** The inode of the socket {@code fd} (a {@code /proc/<pid>/fd/<n>} link) is, if it is one. */
    static Optional<Long> socketInode(Path fd) {
        try {
            return socketInode(Files.readSymbolicLink(fd).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // closed meanwhile
        }
    }

    /** The inode in a {@code socket:[12345]} link target; empty for any other file. */
    static Optional<Long> socketInode(String target) {
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The process holding the socket {@code inode} open, if this JVM may see it. */
    static OptionalLong holderOf(long inode) {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                if (socketsOf(pid).contains(inode)) {
                    return OptionalLong.of(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc: nobody to name.
        }
        return OptionalLong.empty();
    }

    /** Whether {@code pid} is {@code engine} or one of its descendants (started after its sockets were read). */
    private static boolean isOfTree(long pid, ProcessHandle engine) {
        for (Optional<ProcessHandle> at = ProcessHandle.of(pid); at.isPresent(); at = at.get().parent()) {
            if (at.get().pid() == engine.pid()) {
                return true;
            }
        }
        return false;
    }
}
