package dev.addons.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resident memory of a server found by the TCP port it listens on, from {@code /proc}: the
 * listening socket's inode in {@code /proc/net/tcp}, the process holding it, and the
 * {@code VmRSS} and {@code Pss} of that process and its descendants (PostgreSQL's
 * postmaster has a handful of children). RSS counts shared pages once per process; PSS divides
 * them among their sharers, so a tree's PSS is the fairer sum.
 */
final class ProcessMemory {

    /** The memory of a process tree in KiB. */
    record Usage(long pid, int processes, long rssKib, long pssKib) {
    }

    private ProcessMemory() {
    }

    /** The usage of the tree of the process listening on 127.0.0.1/0.0.0.0 {@code port}, if found. */
    static Optional<Usage> ofPort(int port) throws IOException {
        Optional<String> inode = listeningInode(port);
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        Optional<Long> pid = holder("socket:[" + inode.get() + "]");
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        List<Long> tree = tree(pid.get());
        long rss = 0;
        long pss = 0;
        for (long p : tree) {
            rss += field(Path.of("/proc", Long.toString(p), "status"), "VmRSS:");
            pss += field(Path.of("/proc", Long.toString(p), "smaps_rollup"), "Pss:");
        }
        return Optional.of(new Usage(pid.get(), tree.size(), rss, pss));
    }

    private static Optional<String> listeningInode(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address, f[3] state (0A = LISTEN), f[9] inode
                if (f.length > 9 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                    return Optional.of(f[9]);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> holder(String socket) throws IOException {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (socket.equals(readLink(fd))) {
                            return Optional.of(Long.parseLong(process.getFileName().toString()));
                        }
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        }
        return Optional.empty();
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Long> tree(long root) throws IOException {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long parent = Long.parseLong(after[1]);
                    children.computeIfAbsent(parent, k -> new ArrayList<>())
                            .add(Long.parseLong(process.getFileName().toString()));
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        }
        List<Long> tree = new ArrayList<>();
        List<Long> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.remove(todo.size() - 1);
            tree.add(pid);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return tree;
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return 0;
    }
}
